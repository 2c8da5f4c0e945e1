/** `plugd --help`, group and command help, all from the command table. */
import type { CliOption, Command } from "./command.ts";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import { VERSION } from "../version.ts";

/** `--name VALUE (-n)` as shown in help. */
export function optionUsage(name: string, option: CliOption): string {
  const value = option.type === "string" ? ` ${option.value ?? "VALUE"}` : "";
  const short = option.short ? `-${option.short}, ` : "";
  return `${short}--${name}${value}${option.multiple ? " (repeatable)" : ""}`;
}

function usageLine(c: Command): string {
  return `${c.path} ${c.args}`.trim();
}

/** The top-level help: every command with its summary. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => usageLine(c).length)) + 2;
  return [
    `plugd ${VERSION}: a secure-by-default plugin daemon`,
    "",
    "usage: plugd <command> [options]",
    "       plugd <plugin-id> <command> [args...]   (a plugin's own command, listed below)",
    "",
    "commands:",
    ...commands.map((c) => `  ${usageLine(c).padEnd(width)}${c.summary}`),
    "",
    "global options (anywhere on the line):",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    'run "plugd <command> --help" for its options',
    "exit codes: 0 ok, 1 failed or denied, 2 usage error, 3 daemon unreachable",
  ].join("\n");
}

/** Help of a command group such as `plugd plugin`. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => usageLine(c).length)) + 2;
  return [
    `usage: plugd ${group} <command>`,
    "",
    ...commands.map((c) => `  ${usageLine(c).padEnd(width)}${c.summary}`),
  ].join("\n");
}

/** Help of one command: usage, summary, its options and the global ones. */
export function commandHelp(command: Command): string {
  const own = command.options ?? {};
  return [
    `usage: plugd ${usageLine(command)}${Object.keys(own).length ? " [options]" : ""}`,
    "",
    command.summary,
    ...(Object.keys(own).length ? ["", "options:", ...optionLines(own)] : []),
    "",
    "global options: --json, --socket PATH, --url URL, --token TOKEN, --state-dir DIR, " +
    "--config FILE",
  ].join("\n");
}

function optionLines(options: Readonly<Record<string, CliOption>>): string[] {
  const entries = Object.entries(options);
  const width = Math.max(...entries.map(([n, o]) => optionUsage(n, o).length)) + 2;
  return entries.map(([n, o]) => `  ${optionUsage(n, o).padEnd(width)}${o.description}`);
}
