/** Registry- and plugin-supplied data made safe to print: every string through `printable`. */
import { printable } from "./terminal_text.ts";

/**
 * A copy of `value` whose strings (at any depth) have their control characters escaped, so a
 * description, title or message from a registry can neither move the cursor nor fake a line.
 * Use it for human output only; `--json` prints the data as received.
 *
 * @example
 * ```ts
 * printableDeep({ title: "x\u001b[2J" }); // { title: "x\\u{1b}[2J" }
 * ```
 */
export function printableDeep<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, printableDeep(v)]),
    ) as T;
  }
  return value;
}
