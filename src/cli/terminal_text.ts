/**
 * Streamed plugin output (commands) made safe for a terminal: escape sequences (CSI colours and
 * cursor moves, OSC window titles and hyperlinks, DCS/APC strings), C1 controls, backspace and
 * lone carriage returns (which overwrite what was printed) are removed; tabs and newlines stay,
 * CRLF becomes LF. `plugd --raw` skips this for those who want the bytes. One-line plugin text
 * (names, summaries) goes through `printable()` of human_format.ts instead, which shows controls.
 */

const SEQUENCES = new RegExp(
  [
    "\\x1b\\[[0-?]*[ -/]*[@-~]", // CSI: colours, cursor, erase
    "\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)", // OSC: title, hyperlink, clipboard
    "\\x1b[PX^_][^\\x1b]*\\x1b\\\\", // DCS, SOS, PM, APC strings
    // Other escapes (with intermediates), but not the introducers above ([ ] P X ^ _).
    "\\x1b[ -/]*[0-OQ-WYZ\\\\`a-~]",
  ].join("|"),
  "g",
);
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const COMPLETE = new RegExp(`^(?:${SEQUENCES.source})`);

/**
 * Removes terminal escapes and controls from `text` (one whole piece of text).
 *
 * @example
 * ```ts
 * stripTerminalEscapes("\x1b[31mred\x1b[0m\r\n"); // "red\n"
 * ```
 */
export function stripTerminalEscapes(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(SEQUENCES, "").replace(CONTROLS, "");
}

/** Longest unfinished escape sequence held back between chunks; longer ones are dropped. */
const MAX_HELD = 4096;

/**
 * Strips a stream that arrives in chunks: an escape sequence (or CRLF) split across two chunks is
 * held back until it is complete, so no part of it reaches the terminal.
 */
export class TerminalStripper {
  #held = "";

  /** The printable text of `chunk` (may hold back its unfinished tail). */
  push(chunk: string): string {
    let text = this.#held + chunk;
    this.#held = "";
    const esc = text.lastIndexOf("\x1b");
    if (esc !== -1 && !COMPLETE.test(text.slice(esc)) && text.length - esc <= MAX_HELD) {
      this.#held = text.slice(esc);
      text = text.slice(0, esc);
    } else if (text.endsWith("\r")) {
      this.#held = "\r";
      text = text.slice(0, -1);
    }
    return stripTerminalEscapes(text);
  }

  /** What is left at the end of the stream (an unfinished sequence is dropped). */
  flush(): string {
    const rest = this.#held.startsWith("\x1b") ? "" : stripTerminalEscapes(this.#held);
    this.#held = "";
    return rest;
  }
}
