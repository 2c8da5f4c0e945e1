/** Private: characters that must never reach a flag value. */

/**
 * True when `text` holds a comma (Deno splits flag values on commas, so one entry could smuggle
 * in another) or a control character; with `spaces`, also any whitespace.
 */
export function hasUnsafeChar(text: string, spaces = false): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "," || code < 0x20 || code === 0x7f || (spaces && /\s/.test(ch))) return true;
  }
  return false;
}
