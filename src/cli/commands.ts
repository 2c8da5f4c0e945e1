/** Every CLI command; `plugd --help` lists them in this order. */
import type { Command } from "./command.ts";
import { statusCommand, versionCommand } from "./basic_commands.ts";
import { daemonCommand, sandboxBinCommand } from "./daemon_command.ts";
import { emitCommand, filterCommand, gateCommand } from "./hook_commands.ts";
import { eventListCommand, eventRedeliverCommand } from "./event_commands.ts";
import { TASK_COMMANDS } from "./task_commands.ts";
import { auditCommand } from "./audit_commands.ts";
import { backupCommand, restoreCommand } from "./backup_commands.ts";
import { WEBHOOK_COMMANDS } from "./webhook_commands.ts";
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from "./token_commands.ts";
import { TENANT_COMMANDS } from "./tenant_commands.ts";
import { KEY_COMMANDS } from "./key_commands.ts";
import { uiCommand } from "./ui_command.ts";
import { pluginPackCommand, registryBuildCommand } from "./pack_commands.ts";
import { CATALOG_COMMANDS } from "./catalog_commands.ts";
import { UPDATE_COMMANDS } from "./update_commands.ts";
import { ADVISORY_COMMANDS } from "./advisory_commands.ts";
import { pluginValidateCommand } from "./plugin_local_commands.ts";
import { pluginNewCommand } from "./plugin_new_command.ts";
import { pluginCommandsCommand, pluginRunCommand } from "./plugin_command_list.ts";
import { pluginHarnessCommand, pluginTestCommand } from "./plugin_test_command.ts";
import { registryServeCommand } from "./registry_serve_command.ts";
import { REGISTRY_PUBLISHER_COMMANDS } from "./registry_publisher_commands.ts";
import { REGISTRY_ADMIN_COMMANDS } from "./registry_admin_commands.ts";
import { REGISTRY_ADVISORY_COMMANDS } from "./registry_advisory_commands.ts";
import {
  pluginDisableCommand,
  pluginEnableCommand,
  pluginFlagsCommand,
  pluginListCommand,
  pluginRemoveCommand,
  pluginRestartCommand,
} from "./plugin_commands.ts";
import { pluginInstallCommand, pluginUpdateCommand } from "./plugin_install_commands.ts";
import { pluginGrantCommand } from "./plugin_grant_command.ts";
import { pluginConfigCommand } from "./plugin_config_command.ts";
import { FLEET_COMMANDS } from "./fleet_commands.ts";
import { pluginInfoCommand } from "./plugin_info_command.ts";
import { pluginLogsCommand } from "./plugin_logs_command.ts";
import { pluginExecutionsCommand, pluginOpCommand } from "./plugin_op_commands.ts";
import { pluginHistoryCommand } from "./plugin_history_command.ts";

export const COMMANDS: readonly Command[] = [
  daemonCommand,
  sandboxBinCommand,
  pluginNewCommand,
  pluginTestCommand,
  pluginValidateCommand,
  pluginPackCommand,
  registryBuildCommand,
  ...KEY_COMMANDS,
  pluginInstallCommand,
  pluginGrantCommand,
  pluginEnableCommand,
  pluginDisableCommand,
  pluginRestartCommand,
  pluginListCommand,
  pluginInfoCommand,
  pluginConfigCommand,
  pluginLogsCommand,
  pluginOpCommand,
  pluginExecutionsCommand,
  pluginHistoryCommand,
  pluginFlagsCommand,
  pluginCommandsCommand,
  pluginRunCommand,
  pluginUpdateCommand,
  ...CATALOG_COMMANDS,
  ...UPDATE_COMMANDS,
  ...ADVISORY_COMMANDS,
  pluginRemoveCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenRevokeCommand,
  ...TENANT_COMMANDS,
  ...WEBHOOK_COMMANDS,
  auditCommand,
  backupCommand,
  restoreCommand,
  emitCommand,
  filterCommand,
  gateCommand,
  eventListCommand,
  eventRedeliverCommand,
  ...TASK_COMMANDS,
  uiCommand,
  registryServeCommand,
  ...REGISTRY_PUBLISHER_COMMANDS,
  ...REGISTRY_ADMIN_COMMANDS,
  ...REGISTRY_ADVISORY_COMMANDS,
  ...FLEET_COMMANDS,
  statusCommand,
  versionCommand,
  pluginHarnessCommand,
];
