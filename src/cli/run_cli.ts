import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  CliError,
  type CliIo,
  type Command,
  type CommandContext,
  EXIT,
  UsageError,
} from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { extractGlobals } from "./global_options.ts";
import { commandHelp, groupHelp, mainHelp } from "./help.ts";
import { VERSION } from "../version.ts";
import { isPluginId } from "../manifest/mod.ts";
import { splitPluginArgv } from "./plugin_command_argv.ts";
import { pluginCommandHelp, pluginCommandsHelp } from "./plugin_command_list.ts";
import { runPluginCommand } from "./plugin_command_run.ts";
import { terminalSafeIo } from "./terminal_text.ts";

/** Runs the `plugd` CLI; returns the exit code. */
export async function runCli(argv: string[], rawIo: CliIo): Promise<number> {
  // Every human line goes through the one terminal sanitiser (plugin text in logs, errors, results).
  const head = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const io = terminalSafeIo(rawIo, { raw: head.includes("--raw"), json: head.includes("--json") });
  try {
    // Find the command first (global options may stand before it), then take out the global
    // options the command does not define itself.
    const leading = extractGlobals(argv).rest;
    const firstFlag = leading.findIndex((a) => a.startsWith("-"));
    const words = firstFlag === -1 ? leading : leading.slice(0, firstFlag);
    const command = findCommand(words);
    // `plugd plugin run --help` is the command's own help; with an id it asks the plugin.
    if (command?.path === "plugin run" && words.length > 2) {
      return await runPluginCli(argv, io, ["plugin", "run"]);
    }
    if (
      !command && isPluginId(words[0]) && !COMMANDS.some((c) => c.path.startsWith(`${words[0]} `))
    ) {
      return await runPluginCli(argv, io, []);
    }
    if (!command) {
      const { globals } = extractGlobals(argv);
      return await usage(leading, words, globals, io);
    }
    const { rest, globals } = extractGlobals(argv, new Set(Object.keys(command.options ?? {})));
    if (globals.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    const { values, positionals } = parseArgs({
      args: dropPath(rest, command.path.split(" ")),
      options: parseArgsOptions(command),
      allowPositionals: true,
      strict: true,
    });
    const [min, max] = command.arity ?? [0, Infinity];
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(`usage: plugd ${command.path} ${command.args}`.trim());
    }
    return await command.run({
      args: positionals,
      options: { ...values, ...globals } as CommandContext["options"],
      io,
      cwd: io.cwd ?? Deno.cwd(),
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`plugd: ${error.message}`);
      return EXIT.usage;
    }
    if (
      error instanceof TypeError && "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS")
    ) {
      io.err(`plugd: ${error.message}; see "plugd ${argv[0] ?? ""} --help"`);
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      io.err(`plugd: ${error.message}`);
      return error.exitCode;
    }
    io.err(`plugd: ${(error as Error).message ?? String(error)}`);
    return EXIT.failure;
  }
}

/** The command's options in `node:util` parseArgs form (globals are already taken out). */
function parseArgsOptions(command: Command): NonNullable<ParseArgsConfig["options"]> {
  const out: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, o] of Object.entries(command.options ?? {})) {
    out[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

/** `rest` without the command's path words (the first occurrence of each, in order). */
function dropPath(rest: string[], path: string[]): string[] {
  const out = [...rest];
  let from = 0;
  for (const word of path) {
    const at = out.indexOf(word, from);
    if (at !== -1) {
      out.splice(at, 1);
      from = at;
    }
  }
  return out;
}

function findCommand(words: string[]): Command | undefined {
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const path = words.slice(0, n).join(" ");
    const found = COMMANDS.find((c) => c.path === path);
    if (found) return found;
  }
  return undefined;
}

/**
 * `plugd <plugin-id> <command> [args...]` (or `plugd plugin run ...`): see plugin_command_run.ts.
 * A first word that is neither a plugd command nor an installed plugin is a usage error.
 */
async function runPluginCli(argv: string[], io: CliIo, skip: string[]): Promise<number> {
  const { globals, words } = splitPluginArgv(argv, skip);
  const ctx: CommandContext = { args: [], options: globals, io, cwd: io.cwd ?? Deno.cwd() };
  const [id, name, ...args] = words;
  if (!isPluginId(id)) throw new UsageError("usage: plugd plugin run <id> <command> [args...]");
  const typed = [id, name].filter(Boolean).join(" ");
  try {
    if (globals.help || name === undefined) {
      io.out(await pluginCommandHelp(ctx, id, name));
      return EXIT.ok;
    }
    return await runPluginCommand(ctx, id, name, args);
  } catch (error) {
    const e = error as CliError;
    if (e instanceof CliError && e.exitCode === EXIT.unreachable && skip.length === 0) {
      throw new UsageError(
        `unknown command "${typed}"; run "plugd --help" (a plugin's command needs the daemon, ` +
          "which is not reachable: start it or point --socket/--url at it)",
      );
    }
    if (e instanceof CliError && /is not installed/.test(e.message) && skip.length === 0) {
      throw new UsageError(
        `unknown command "${typed}": no such plugd command or plugin; run "plugd --help"`,
      );
    }
    throw error;
  }
}

async function usage(
  rest: string[],
  words: string[],
  globals: Record<string, string | boolean>,
  io: CliIo,
): Promise<number> {
  const help = globals.help === true;
  if (rest.length === 0 || rest[0] === "help") {
    const ctx: CommandContext = { args: [], options: globals, io, cwd: io.cwd ?? Deno.cwd() };
    io.out(`${mainHelp(COMMANDS)}

${await pluginCommandsHelp(ctx)}`);
    return EXIT.ok;
  }
  if (rest[0] === "--version" || rest[0] === "-V") {
    io.out(`plugd ${VERSION}`);
    return EXIT.ok;
  }
  const group = COMMANDS.filter((c) => c.path.split(" ")[0] === words[0]);
  if (group.length > 0 && (words.length === 1 || help)) {
    io.out(groupHelp(words[0]!, group));
    return help ? EXIT.ok : EXIT.usage;
  }
  io.err(`plugd: unknown command "${words.join(" ") || rest[0]}"; run "plugd --help"`);
  return EXIT.usage;
}
