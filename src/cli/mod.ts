/** The plugd command-line interface. */
export { runCli } from "./run_cli.ts";
export {
  CliError,
  type CliIo,
  type Command,
  type CommandContext,
  EXIT,
  UsageError,
} from "./command.ts";
export { ApiClient } from "./client.ts";
