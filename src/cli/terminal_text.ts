/**
 * The one sanitiser for plugin-supplied text on an operator's terminal (logs, errors, names,
 * descriptions, event results, command output). Escape sequences (CSI colours and cursor moves,
 * OSC window titles, hyperlinks and clipboard writes, DCS/APC strings), C1 controls, backspace and
 * lone carriage returns (which overwrite what was printed) never reach the terminal:
 *
 * - every human line the CLI prints passes through {@linkcode terminalSafeIo} (removed; tabs and
 *   newlines stay, CRLF becomes LF);
 * - one-line plugin text (a log message, a name) goes through {@linkcode printable} first, which
 *   shows controls as `\u{1b}` so the operator sees what the plugin tried and one entry stays one
 *   line;
 * - streamed output (plugin commands) goes through a {@linkcode TerminalStripper}.
 *
 * `plugd --raw` skips all of it for those who want the bytes; `--json` output is JSON, whose
 * strings escape control characters themselves.
 */
import type { CliIo } from "./command.ts";

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
// deno-lint-ignore no-control-regex
const ONE_LINE_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

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

/**
 * One line of plugin-supplied text made safe for a terminal: control characters (newlines too)
 * shown as `\u{..}`; tabs stay.
 *
 * @example
 * ```ts
 * printable("ok\x1b]0;owned\x07\nfake line"); // "ok\\u{1b}]0;owned\\u{7}\\u{a}fake line"
 * ```
 */
export function printable(text: string): string {
  return text.replace(ONE_LINE_CONTROLS, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** What {@linkcode terminalSafeIo} leaves alone. */
export interface TerminalSafeOptions {
  /** `--raw`: print everything byte for byte. @default false */
  raw?: boolean;
  /** `--json`: stdout is JSON (its strings escape controls), printed as it is. @default false */
  json?: boolean;
}

/**
 * `io` with every line printed to stdout and stderr passed through
 * {@linkcode stripTerminalEscapes}, so no command can print plugin text raw by mistake. Streamed
 * `write` is left to the command (it strips with a {@linkcode TerminalStripper} that keeps a
 * sequence split across chunks whole).
 *
 * @example
 * ```ts
 * const io = terminalSafeIo({ out: console.log, err: console.error, env: {} });
 * io.out("\x1b]0;title\x07hello"); // prints "hello"
 * ```
 */
export function terminalSafeIo(io: CliIo, options: TerminalSafeOptions = {}): CliIo {
  const { raw = false, json = false } = options;
  if (raw) return io;
  return {
    ...io,
    out: json ? io.out : (text) => io.out(stripTerminalEscapes(text)),
    err: (text) => io.err(stripTerminalEscapes(text)),
  };
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
