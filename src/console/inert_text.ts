/**
 * Makes plugin-supplied text inert beyond HTML escaping (which JSX does): terminal escape
 * sequences (ANSI CSI/OSC/...) are shown as visible text starting with `␛` so that nothing
 * copied from the page can drive a terminal, other control characters become `�`, and Unicode
 * bidirectional overrides (which can make text read differently than it is) become `[U+202E]`.
 */

// ESC [ ... final | ESC ] ... BEL/ST | ESC other | C1 CSI (0x9b)
const ESCAPES =
  // deno-lint-ignore no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]?/g;
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns `text` with escape sequences made visible and inert.
 *
 * @example
 * ```ts
 * inert("\x1b[31mred\x1b[0m"); // "␛[31mred␛[0m"
 * ```
 */
export function inert(text: unknown): string {
  const s = typeof text === "string"
    ? text
    : text === undefined || text === null
    ? ""
    : String(text);
  return s
    .replace(ESCAPES, (seq) => "␛" + seq.slice(1).replace(CONTROLS, "�"))
    .replace(CONTROLS, "�")
    .replace(BIDI, (ch) => `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** Only http(s) URLs may become links; anything else (javascript:, data:) is shown as text. */
export function safeHref(url: unknown): string | null {
  if (typeof url !== "string") return null;
  const parsed = URL.parse(url);
  return parsed && (parsed.protocol === "https:" || parsed.protocol === "http:")
    ? parsed.href
    : null;
}
