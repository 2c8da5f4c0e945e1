/** Random secrets and hashes for sessions, CSRF tokens and login codes. */

/** `bytes` random bytes as base64url (no padding). */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Hex sha256 of `text`: what the database keeps instead of a cookie or a code. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Crockford base32 without I, L, O, U: easy to read aloud and type. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A login code such as `7K2Q-XM4D-9PZA` (60 random bits). */
export function loginCode(): string {
  const raw = crypto.getRandomValues(new Uint8Array(12));
  const chars = Array.from(raw, (b) => CODE_ALPHABET[b & 31]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** Normalizes a typed code: upper case, no spaces, confusable letters mapped, dashes placed. */
export function normalizeCode(text: string): string {
  const clean = text.toUpperCase().replace(/[^0-9A-Z]/g, "").replaceAll("O", "0")
    .replaceAll("I", "1").replaceAll("L", "1");
  return clean.length === 12
    ? `${clean.slice(0, 4)}-${clean.slice(4, 8)}-${clean.slice(8)}`
    : clean;
}
