/** Shared pieces of the signature helpers: HMAC keys, decoding, constant-time comparison. */

const encoder = new TextEncoder();

/** Text as UTF-8 bytes; bytes as they are. */
export function bytesOf(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof data === "string"
    ? encoder.encode(data)
    : new Uint8Array(data) as Uint8Array<ArrayBuffer>;
}

/** `prefix` (text) followed by `body` as one byte array: the body is signed byte for byte. */
export function prefixed(prefix: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(prefix);
  const tail = bytesOf(body);
  const out = new Uint8Array(head.byteLength + tail.byteLength);
  out.set(head);
  out.set(tail, head.byteLength);
  return out;
}

/** An HMAC-SHA256 key from a secret (text or raw bytes). */
export function hmacKey(secret: string | Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    bytesOf(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/** Lowercase or uppercase hex → bytes; undefined when it is not hex. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Standard base64 → bytes; undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return (Uint8Array as unknown as { fromBase64(s: string): Uint8Array<ArrayBuffer> })
      .fromBase64(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` is the HMAC-SHA256 of `data` under `key`. WebCrypto's verify compares in
 * constant time; a signature of the wrong length is simply false.
 */
export async function hmacMatches(
  key: CryptoKey,
  signature: Uint8Array<ArrayBuffer> | undefined,
  data: string | Uint8Array,
): Promise<boolean> {
  if (!signature || signature.byteLength !== 32) return false;
  return await crypto.subtle.verify("HMAC", key, signature, bytesOf(data));
}

/**
 * Compares two strings in time independent of where they differ: both are hashed first, so
 * neither their contents nor their lengths leak through timing.
 */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", bytesOf(a)),
    crypto.subtle.digest("SHA-256", bytesOf(b)),
  ]);
  const ax = new Uint8Array(x);
  const by = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < ax.length; i++) diff |= ax[i]! ^ by[i]!;
  return diff === 0;
}

/** Seconds since the epoch, from `now` (ms) or the clock. */
export function nowSeconds(now?: number): number {
  return Math.floor((now ?? Date.now()) / 1000);
}
