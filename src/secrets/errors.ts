/** Errors of the secrets area. */

/**
 * A secret could not be decrypted: wrong master key, a tampered ciphertext, or a ciphertext
 * moved to another plugin or field (the AAD no longer matches).
 */
export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
}

/** The master key file is missing where it cannot be created, unreadable, too open or malformed. */
export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}
