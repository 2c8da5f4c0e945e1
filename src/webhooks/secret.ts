import { decodeBase64, encodeBase64 } from "./_base64.ts";
import { WebhookValidationError } from "./errors.ts";

/** Prefix of Standard Webhooks secrets. */
export const SECRET_PREFIX = "whsec_";
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/**
 * Makes a new signing secret: `whsec_` + base64 of `bytes` random bytes.
 *
 * @example
 * ```ts
 * generateSecret(); // "whsec_…" (32 random bytes)
 * ```
 */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_BYTES || bytes > MAX_BYTES) {
    throw new RangeError(`Secret size must be ${MIN_BYTES}..${MAX_BYTES} bytes; got ${bytes}`);
  }
  return SECRET_PREFIX + encodeBase64(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The HMAC key bytes of a `whsec_` secret; throws when it is malformed. */
export function secretKeyBytes(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookValidationError(
      "secret",
      `Webhook secrets must start with "${SECRET_PREFIX}"; omit "secret" to have one generated`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(secret.slice(SECRET_PREFIX.length));
  } catch (error) {
    throw new WebhookValidationError(
      "secret",
      `Webhook secret is not valid base64 after "${SECRET_PREFIX}"`,
      { cause: error },
    );
  }
  if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
    throw new WebhookValidationError(
      "secret",
      `Webhook secret must hold ${MIN_BYTES}..${MAX_BYTES} bytes of key; got ${bytes.length}`,
    );
  }
  return bytes;
}
