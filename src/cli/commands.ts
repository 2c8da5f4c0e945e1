/** Every CLI command; `plugd --help` lists them in this order. */
import type { Command } from "./command.ts";
import { statusCommand, versionCommand } from "./basic_commands.ts";
import { daemonCommand } from "./daemon_command.ts";
import { pluginValidateCommand } from "./plugin_local_commands.ts";
import {
  pluginConfigCommand,
  pluginDisableCommand,
  pluginEnableCommand,
  pluginFlagsCommand,
  pluginGrantCommand,
  pluginInfoCommand,
  pluginInstallCommand,
  pluginListCommand,
  pluginLogsCommand,
  pluginRemoveCommand,
  pluginRestartCommand,
  pluginUpdateCommand,
} from "./plugin_commands.ts";

export const COMMANDS: readonly Command[] = [
  daemonCommand,
  pluginValidateCommand,
  pluginInstallCommand,
  pluginGrantCommand,
  pluginEnableCommand,
  pluginDisableCommand,
  pluginRestartCommand,
  pluginListCommand,
  pluginInfoCommand,
  pluginConfigCommand,
  pluginLogsCommand,
  pluginFlagsCommand,
  pluginUpdateCommand,
  pluginRemoveCommand,
  statusCommand,
  versionCommand,
];
