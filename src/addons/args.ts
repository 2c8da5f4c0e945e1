/** Arguments passed to an operation's function (`addon_uninstall false`): plain, short, visible. */
import { AddonArgumentError } from "./errors.ts";

/** Most arguments per call. */
export const MAX_ARGS = 16;
/** Longest argument, in characters. */
export const MAX_ARG_LENGTH = 1024;

/**
 * Checks `args` (absent means none): a list of at most {@linkcode MAX_ARGS} single-line strings
 * of at most {@linkcode MAX_ARG_LENGTH} characters. They are recorded and shown, so secrets
 * belong in the config, never here. Throws {@linkcode AddonArgumentError} naming the problem.
 *
 * @example
 * ```ts
 * checkArgs(["false"]); // ["false"]
 * checkArgs([1]); // throws AddonArgumentError
 * ```
 */
export function checkArgs(args: unknown): string[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args) || args.length > MAX_ARGS) {
    throw new AddonArgumentError(`"args" must be a list of at most ${MAX_ARGS} strings`);
  }
  args.forEach((a, i) => {
    // deno-lint-ignore no-control-regex
    if (typeof a !== "string" || a.length > MAX_ARG_LENGTH || /[\u0000-\u001f\u007f]/.test(a)) {
      throw new AddonArgumentError(
        `args[${i}] must be a single-line string of at most ${MAX_ARG_LENGTH} characters ` +
          "(secrets belong in the config: arguments are recorded and shown)",
      );
    }
  });
  return args as string[];
}
