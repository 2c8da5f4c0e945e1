import { parseArgs } from "node:util";
import { CliError, type CliIo, type Command, EXIT, UsageError } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { VERSION } from "../version.ts";

/** Options every command accepts. */
const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  url: { type: "string" },
  token: { type: "string" },
  socket: { type: "string" },
  "state-dir": { type: "string" },
} as const;

/** Runs the `plugd` CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const firstFlag = argv.findIndex((a) => a.startsWith("-"));
    const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
    const command = findCommand(words);
    if (!command) return usage(argv, words, io);
    const depth = command.path.split(" ").length;
    const rest = dropPath(argv, depth);
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    const [min, max] = command.arity ?? [0, Infinity];
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(`usage: plugd ${command.path} ${command.args}`.trim());
    }
    return await command.run({ args: positionals, options: values, io });
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

function findCommand(words: string[]): Command | undefined {
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const path = words.slice(0, n).join(" ");
    const found = COMMANDS.find((c) => c.path === path);
    if (found) return found;
  }
  return undefined;
}

/** Removes the command path (the first `depth` words, which precede any flag) from argv. */
function dropPath(argv: string[], depth: number): string[] {
  return argv.slice(depth);
}

function usage(argv: string[], words: string[], io: CliIo): number {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.out(mainHelp());
    return EXIT.ok;
  }
  if (argv[0] === "--version") {
    io.out(`plugd ${VERSION}`);
    return EXIT.ok;
  }
  const group = COMMANDS.filter((c) => c.path.split(" ")[0] === words[0]);
  if (group.length > 0 && (words.length === 1 || argv.includes("--help"))) {
    io.out(groupHelp(words[0]!, group));
    return words.length === 1 && !argv.includes("--help") ? EXIT.usage : EXIT.ok;
  }
  io.err(`plugd: unknown command "${words.join(" ") || argv[0]}"; run "plugd --help"`);
  return EXIT.usage;
}

function mainHelp(): string {
  const lines = COMMANDS.map((c) => `  ${`${c.path} ${c.args}`.padEnd(38)} ${c.summary}`);
  return [
    `plugd ${VERSION}: a secure-by-default plugin daemon`,
    "",
    "usage: plugd <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "global options: --json  --socket PATH  --url URL --token TOKEN  --state-dir DIR  --help",
    "exit codes: 0 ok, 1 failed or denied, 2 usage error, 3 daemon unreachable",
  ].join("\n");
}

function groupHelp(group: string, commands: Command[]): string {
  return [
    `usage: plugd ${group} <command>`,
    "",
    ...commands.map((c) => `  ${`${c.path} ${c.args}`.padEnd(38)} ${c.summary}`),
  ].join("\n");
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, o]) =>
    `  --${name}${o.type === "string" ? " VALUE" : ""}${o.short ? ` (-${o.short})` : ""}`
  );
  return [
    `usage: plugd ${command.path} ${command.args}`.trimEnd(),
    "",
    command.summary,
    ...(options.length ? ["", "options:", ...options] : []),
  ].join("\n");
}
