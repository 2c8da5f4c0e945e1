/**
 * The `args:` usage of a plugin command (`[--channel NAME] <text>`) read as a shape: which
 * positional names come in which order and which options take a value. The audit log uses it to
 * mask the arguments a command declares `secret`.
 */
import type { CommandDecl } from "./types.ts";

/** What the audit log shows instead of a secret argument. */
export const MASKED = "********";

/** The names and value-taking options an `args:` usage declares. */
export interface ArgsShape {
  /** Positional names in order (`<text>`, `[name]`); the last may be variadic (`<file>...`). */
  positional: string[];
  /** Whether the last positional takes every remaining argument. */
  variadic: boolean;
  /** Option names written with a value: `--channel NAME`, `--token <token>`, `--x=V`. */
  valued: Set<string>;
  /** Every option name written (`--name`). */
  options: Set<string>;
}

/**
 * Reads `args` (help text) as a shape.
 *
 * @example
 * ```ts
 * argsShape("[--channel NAME] <text>...").positional; // ["text"]
 * ```
 */
export function argsShape(args: string): ArgsShape {
  // Brackets stay words of their own, so "[--dry-run] <user>" is a flag and then a positional.
  const words = args.replace(/\[/g, " [ ").replace(/\](\.\.\.)?/g, " ]$1 ").split(/\s+/)
    .filter(Boolean);
  const shape: ArgsShape = {
    positional: [],
    variadic: false,
    valued: new Set(),
    options: new Set(),
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "]...") shape.variadic = shape.positional.length > 0;
    const option = /^--([a-z][a-z0-9-]*)(=.*)?$/.exec(word);
    if (option) {
      shape.options.add(option[1]!);
      const next = words[i + 1];
      if (option[2] !== undefined) shape.valued.add(option[1]!);
      else if (next !== undefined && /^(<[^>]+>|[A-Z][A-Z0-9_]*)$/.test(next)) {
        shape.valued.add(option[1]!);
        i++;
      }
      continue;
    }
    const name = /^<?([a-z][a-z0-9_-]*)>?(\.\.\.)?$/.exec(word);
    if (name) {
      shape.positional.push(name[1]!);
      shape.variadic = name[2] !== undefined;
    }
  }
  return shape;
}

/** Every name `args` declares: positional names and option names. */
export function argNames(args: string): Set<string> {
  const shape = argsShape(args);
  return new Set([...shape.positional, ...shape.options]);
}

/**
 * `args` as the audit log records them: values of the command's `secret` arguments replaced by
 * `********` (positional ones by their position among non-option arguments, options as
 * `--name VALUE` or `--name=VALUE`).
 *
 * @example
 * ```ts
 * maskSecretArgs({ name: "login", summary: "", args: "<user> <password>", secret: ["password"] },
 *   ["ann", "hunter2"]); // ["ann", "********"]
 * ```
 */
export function maskSecretArgs(
  command: Pick<CommandDecl, "args" | "secret">,
  args: readonly string[],
): string[] {
  const secret = new Set(command.secret);
  if (secret.size === 0) return [...args];
  const shape = argsShape(command.args);
  const out: string[] = [];
  let position = 0;
  let onlyPositional = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const option = onlyPositional ? null : /^--([^=]+)(=.*)?$/.exec(arg);
    if (arg === "--" && !onlyPositional) {
      onlyPositional = true;
      out.push(arg);
      continue;
    }
    if (option) {
      const hidden = secret.has(option[1]!);
      if (option[2] !== undefined) out.push(hidden ? `--${option[1]}=${MASKED}` : arg);
      else {
        out.push(arg);
        if (shape.valued.has(option[1]!) && i + 1 < args.length) {
          i++;
          out.push(hidden ? MASKED : args[i]!);
        }
      }
      continue;
    }
    const last = shape.positional.length - 1;
    const name = shape.positional[shape.variadic ? Math.min(position, last) : position];
    position++;
    out.push(name !== undefined && secret.has(name) ? MASKED : arg);
  }
  return out;
}
