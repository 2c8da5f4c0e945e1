import { decodeBase64, encodeBase64 } from "./_base64.ts";
import { SecretDecryptError } from "./errors.ts";
import { decryptionKeys, encryptionKey, type MasterKeyRef } from "./key_holder.ts";

/** Prefix of the current ciphertext format: `v1:` + base64(iv | ciphertext+tag). */
export const SECRET_PREFIX = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AAD that binds a config secret to its plugin and field: `plugin:<id>:<field>`. */
export function secretAad(pluginId: string, field: string): string {
  return `plugin:${pluginId}:${field}`;
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key`, a random 96-bit IV and `aad` as
 * additional authenticated data. Returns `v1:` + base64(iv | ciphertext+tag).
 *
 * @example
 * ```ts
 * const blob = await encryptSecret(key, "hunter2", secretAad("slack-notify", "token"));
 * await decryptSecret(key, blob, secretAad("slack-notify", "token")); // "hunter2"
 * ```
 */
export async function encryptSecret(
  key: MasterKeyRef,
  plaintext: string,
  aad: string,
): Promise<string> {
  if (typeof plaintext !== "string") throw new TypeError("encryptSecret() encrypts strings only");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(aad) },
    encryptionKey(key),
    new TextEncoder().encode(plaintext),
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return SECRET_PREFIX + encodeBase64(out);
}

/**
 * Decrypts a blob made by {@linkcode encryptSecret} with the same `aad`. Throws
 * `SecretDecryptError` for a wrong key, a tampered blob, or a different `aad`.
 */
export async function decryptSecret(
  key: MasterKeyRef,
  blob: string,
  aad: string,
): Promise<string> {
  if (typeof blob !== "string" || !blob.startsWith(SECRET_PREFIX)) {
    throw new SecretDecryptError(
      `Cannot decrypt ${aad}: not a "${SECRET_PREFIX}" ciphertext; set the secret again`,
    );
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(decodeBase64(blob.slice(SECRET_PREFIX.length)));
  } catch (error) {
    throw new SecretDecryptError(`Cannot decrypt ${aad}: the ciphertext is not base64`, {
      cause: error,
    });
  }
  if (bytes.length < IV_BYTES + TAG_BYTES) {
    throw new SecretDecryptError(`Cannot decrypt ${aad}: the ciphertext is truncated`);
  }
  let failure: unknown;
  for (const candidate of decryptionKeys(key)) {
    try {
      const plain = await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: bytes.slice(0, IV_BYTES),
          additionalData: new TextEncoder().encode(aad),
        },
        candidate,
        bytes.slice(IV_BYTES),
      );
      return new TextDecoder().decode(plain);
    } catch (error) {
      failure = error;
    }
  }
  throw new SecretDecryptError(
    `Cannot decrypt ${aad}: wrong master key, or the ciphertext was altered or moved from ` +
      `another field; restore the right master key or set the secret again`,
    { cause: failure },
  );
}
