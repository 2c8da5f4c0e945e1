/** Sortable event ids (ULID: 48-bit time + 80 random bits, Crockford base32, monotonic). */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

/** The alphabet's character codes. */
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** The id's 26 character codes, reused by every call (ids are made one at a time). */
const codes: number[] = new Array(26).fill(0);

/**
 * The id as one flat string made from its 26 character codes at once. Appending one character at a
 * time made a chain of string pieces that the first lookup of the id (the intake's duplicate
 * check) had to flatten: -0.3 µs per id (docs/performance.md, "Event intake: the hand-off to the
 * writer thread (issue 23, twelfth round)").
 */
function encode(bytes: Uint8Array, time: number): string {
  let t = time;
  for (let i = 9; i >= 0; i--) {
    codes[i] = CODES[t % 32]!;
    t = Math.floor(t / 32);
  }
  let at = 10;
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      codes[at++] = CODES[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return String.fromCharCode.apply(null, codes);
}

function increment(bytes: Uint8Array): Uint8Array {
  const next = bytes.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 255) {
      next[i]!++;
      return next;
    }
    next[i] = 0;
  }
  return crypto.getRandomValues(new Uint8Array(10));
}

/**
 * A new ULID; ids made within one millisecond still sort in creation order.
 *
 * @example
 * ```ts
 * newEventId(); // "01JD8X3V0Q6K2S7Y9B4N5M1C8T"
 * ```
 */
export function newEventId(now: number = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = crypto.getRandomValues(new Uint8Array(10));
  }
  return encode(lastRandom, lastTime);
}
