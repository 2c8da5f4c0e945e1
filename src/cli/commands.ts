/** Every CLI command; `plugd --help` lists them in this order. */
import type { Command } from "./command.ts";
import { statusCommand, versionCommand } from "./basic_commands.ts";
import { daemonCommand } from "./daemon_command.ts";

export const COMMANDS: readonly Command[] = [
  daemonCommand,
  statusCommand,
  versionCommand,
];
