import { resolve } from "node:path";

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Writes text as it is, no newline added (streamed output). @default out() per finished line */
  write?: (text: string) => void;
  /**
   * Calls `cancel` on Ctrl-C (SIGINT) until the returned function is called; without it a run
   * cannot be interrupted. @default none
   */
  onInterrupt?: (cancel: () => void) => () => void;
  /**
   * The caller's folder: relative paths in arguments resolve against it. `deno task` runs in the
   * project folder and passes the caller's folder as `INIT_CWD`. @default Deno.cwd()
   */
  cwd?: string;
}

/** One option of a command, documented for `--help` and docs/cli.md. */
export interface CliOption {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help, e.g. `FILE`. @default "VALUE" */
  value?: string;
  description: string;
}

/** Parsed invocation handed to a command. */
export interface CommandContext {
  /** Positional arguments after the command path. */
  args: string[];
  /** Parsed options (global ones included: `json`, `url`, `token`, `socket`, `state-dir`). */
  options: Record<string, string | boolean | string[] | undefined>;
  io: CliIo;
  /** The caller's folder (see {@linkcode CliIo.cwd}). */
  cwd: string;
}

/** One CLI command such as `plugin validate`. */
export interface Command {
  /** Space-separated path, e.g. `plugin validate`. */
  path: string;
  /** Positional arguments, for help: e.g. `<dir>`. */
  args: string;
  summary: string;
  /** Command-specific options. */
  options?: Record<string, CliOption>;
  /** More for docs/cli.md (markdown), when the summary and options do not say it all. */
  notes?: string;
  /** Exact number (or range) of positional arguments. @default [0, Infinity] */
  arity?: [number, number];
  run(ctx: CommandContext): Promise<number>;
}

/** Resolves a path the user typed against the caller's folder. */
export function callerPath(ctx: CommandContext, path: string): string {
  return resolve(ctx.cwd, path);
}

/** Thrown for a bad invocation: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Thrown when an operation failed: printed as one line, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Documented exit codes (docs/cli.md). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
} as const;
