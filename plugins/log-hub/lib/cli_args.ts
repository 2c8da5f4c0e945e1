/** The arguments of log-hub's commands: `--name value` options, `-f`, the rest is the query. */

/** Parsed command arguments. */
export interface CommandArgs {
  words: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/**
 * Splits `args` by the options a command knows (`valued` take a value, `flags` do not); an unknown
 * option is a `RangeError` naming the known ones.
 *
 * @example
 * ```ts
 * parseArgs(["status:5*", "--since", "1h"], ["since"], []).options.get("since"); // "1h"
 * ```
 */
export function parseArgs(args: string[], valued: string[], flags: string[]): CommandArgs {
  const out: CommandArgs = { words: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.words.push(...args.slice(i + 1));
      break;
    }
    const eq = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!eq || /^-\d/.test(a)) {
      out.words.push(a);
      continue;
    }
    const name = eq[1]!;
    if (flags.includes(name)) out.flags.add(name);
    else if (valued.includes(name)) {
      const value = eq[2] ?? args[++i];
      if (value === undefined) throw new RangeError(`--${name} needs a value`);
      out.options.set(name, value);
    } else {
      const known = [...valued.map((v) => `--${v} VALUE`), ...flags.map((f) => `--${f}`)];
      throw new RangeError(`unknown option ${a}; this command takes ${known.join(", ") || "none"}`);
    }
  }
  return out;
}

/** A positive integer option, or `fallback`. */
export function intOption(args: CommandArgs, name: string, fallback: number): number {
  const v = args.options.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer`);
  return n;
}
