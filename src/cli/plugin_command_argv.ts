/**
 * The command line of a plugin command: plugd's own options (the global ones and `--raw`) are
 * taken from anywhere before `--`; every other word, in order, goes to the plugin, and everything
 * after `--` goes to it verbatim (so a plugin can receive `--json` or `--help`).
 */
import { extractGlobals, type GlobalValues } from "./global_options.ts";

/** What plugd keeps and what the plugin gets. */
export interface PluginArgv {
  globals: GlobalValues & { raw?: boolean };
  /** Words after the leading `skip` words: plugin id, command, then its arguments. */
  words: string[];
}

/** Splits `argv`, dropping the first occurrence of each of `skip` (e.g. `plugin run`) in order. */
export function splitPluginArgv(argv: string[], skip: string[] = []): PluginArgv {
  const dash = argv.indexOf("--");
  const head = dash === -1 ? argv : argv.slice(0, dash);
  const tail = dash === -1 ? [] : argv.slice(dash + 1);
  const raw = head.includes("--raw");
  const { rest, globals } = extractGlobals(head.filter((a) => a !== "--raw"));
  const words = [...rest];
  let from = 0;
  for (const word of skip) {
    const at = words.indexOf(word, from);
    if (at !== -1) {
      words.splice(at, 1);
      from = at;
    }
  }
  return { globals: { ...globals, ...(raw ? { raw: true } : {}) }, words: [...words, ...tail] };
}
