/**
 * Plugin commands in the CLI's help: `plugd plugin commands [<id>]`, the "plugin commands" section
 * of `plugd --help`, and `plugd <plugin-id> <command> --help`. All read `GET /v1/commands`.
 */
import type { CommandListing } from "../api/mod.ts";
import { ApiClient } from "./client.ts";
import { CliError, type Command, type CommandContext } from "./command.ts";
import { print, table } from "./output.ts";
import { printable as clean } from "./terminal_text.ts";

/** Every installed plugin's commands, from the daemon. */
export async function fetchCommands(
  ctx: CommandContext,
  signal?: AbortSignal,
): Promise<CommandListing[]> {
  using client = ApiClient.fromContext(ctx);
  const res = await client.raw("GET", "/v1/commands", undefined, {}, signal);
  const body = await res.json() as { commands?: CommandListing[]; detail?: string };
  if (!res.ok) throw new CliError(`${body.detail ?? "cannot list commands"} (HTTP ${res.status})`);
  return body.commands ?? [];
}

function usageOf(c: CommandListing): string {
  return clean(`${c.plugin} ${c.name} ${c.args}`.trim());
}

/** The "plugin commands" section of `plugd --help` (never fails: help must always print). */
export async function pluginCommandsHelp(ctx: CommandContext): Promise<string> {
  let commands: CommandListing[];
  try {
    commands = await fetchCommands(ctx, AbortSignal.timeout(2000));
  } catch {
    return "plugin commands: none listed (the daemon is not reachable)";
  }
  const enabled = commands.filter((c) => c.state === "enabled");
  if (enabled.length === 0) return "plugin commands: none (no enabled plugin declares one)";
  const width = Math.max(...enabled.map((c) => usageOf(c).length)) + 2;
  return [
    "plugin commands (plugd <plugin-id> <command> [args...]; --raw keeps escape sequences):",
    ...enabled.map((c) => `  ${usageOf(c).padEnd(width)}${clean(c.summary)}`),
  ].join("\n");
}

/** `plugd <plugin-id> <command> --help`, or the plugin's list for `plugd <plugin-id>`. */
export async function pluginCommandHelp(
  ctx: CommandContext,
  pluginId: string,
  command?: string,
): Promise<string> {
  const all = (await fetchCommands(ctx)).filter((c) => c.plugin === pluginId);
  const one = all.find((c) => c.name === command);
  if (one) return `usage: plugd ${usageOf(one)}\n\n${clean(one.summary)}`;
  if (all.length === 0) {
    throw new CliError(
      `unknown command "${[pluginId, command].filter(Boolean).join(" ")}": neither a plugd ` +
        `command nor a plugin with commands; run "plugd --help" or "plugd plugin commands"`,
      2,
    );
  }
  const prefix = command ? `plugin "${pluginId}" has no command "${command}"; its commands:\n` : "";
  return prefix + all.map((c) => `  plugd ${usageOf(c)}  ${clean(c.summary)}`).join("\n");
}

/** `plugd plugin commands [<id>]`. */
export const pluginCommandsCommand: Command = {
  path: "plugin commands",
  args: "[<id>]",
  summary: "list the CLI commands plugins add (run one with plugd <plugin-id> <command>)",
  arity: [0, 1],
  async run(ctx) {
    const id = ctx.args[0];
    const commands = (await fetchCommands(ctx)).filter((c) => !id || c.plugin === id);
    print(
      ctx,
      { commands },
      () =>
        commands.length === 0
          ? id ? `plugin "${id}" declares no commands` : "no plugin declares commands"
          : table(
            ["PLUGIN", "COMMAND", "ARGS", "STATE", "SUMMARY"],
            commands.map((c) => [c.plugin, c.name, c.args, c.state, c.summary].map(clean)),
          ),
    );
    return 0;
  },
};

/** `plugd plugin run <id> <command> [args...]`: the long form, for ids equal to a plugd command. */
export const pluginRunCommand: Command = {
  path: "plugin run",
  args: "<id> <command> [args...]",
  summary: "run a plugin's command (same as plugd <id> <command>; --raw keeps escape sequences)",
  options: {
    raw: { type: "boolean", description: "print the plugin's output byte for byte" },
  },
  arity: [2, Infinity],
  notes: [
    "Plugins add their own commands (`commands:` in their manifest), run as",
    "`plugd <plugin-id> <command> [args...]` (this long form is for a plugin whose id is also a",
    "plugd command). `plugd <plugin-id> --help` lists a plugin's commands, `plugd --help` all of",
    "them.",
    "",
    "- Output is printed as the plugin writes it. Escape sequences and control characters in it",
    "  are removed (no colours, titles, cursor moves or overwrites reach your terminal) unless",
    "  `--raw`.",
    "- The exit code is the command's; `1` with a one-line reason when it failed, `130` after",
    "  Ctrl-C, which also cancels the command inside the plugin.",
    "- plugd's own options (`--json`, `--socket`, `--url`, `--token`, `--state-dir`, `--raw`,",
    "  `-h`) are recognised anywhere before `--`; every other word goes to the plugin in order, and",
    "  everything after `--` goes to it verbatim. With `--json` the CLI prints the daemon's NDJSON",
    '  stream as it is (`{"out": "..."}` lines, then `{"exit": N, "duration_ms": D}` or',
    '  `{"error": {...}}`).',
    "- Running a command needs the `operator` scope over TCP; every run is audited",
    "  (`plugd audit --action plugin.command`) with its arguments, those the plugin declares",
    "  `secret` masked.",
  ].join("\n"),
  run: () => Promise.reject(new Error("dispatched by run_cli before option parsing")),
};
