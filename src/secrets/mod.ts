/**
 * Secrets at rest: the master key, AES-256-GCM ciphertexts bound to their plugin and field,
 * and sealing/redacting plugin config.
 *
 * STATUS (operator-surface engineer): ready for use — loadMasterKey, encryptSecret/
 * decryptSecret, sealConfig/openConfig/redactConfig are done and tested. Config values are
 * validated by `validateConfigValues` in `src/plugins/config_values.ts`. A config PUT should:
 * validate (with the previous plaintext as `previous`) -> sealConfig -> store JSON; a GET:
 * openConfig is not needed, redactConfig(schema, storedOrPlain) is enough.
 *
 * @example
 * ```ts
 * const key = await loadMasterKey(config.masterKeyFile);
 * const stored = await sealConfig(key, "slack-notify", manifest.config, values);
 * const plain = await openConfig(key, "slack-notify", stored);
 * const shown = redactConfig(manifest.config, plain); // secrets as "********"
 * ```
 *
 * @module
 */
export {
  createMasterKeyFile,
  importMasterKey,
  loadMasterKey,
  MASTER_KEY_BYTES,
  masterKeyId,
  readMasterKeyBytes,
} from "./master_key.ts";
export { decryptSecret, encryptSecret, SECRET_PREFIX, secretAad } from "./cipher.ts";
export {
  isSealed,
  openConfig,
  redactConfig,
  REDACTED,
  sealConfig,
  type SealedValue,
  sealedValues,
  secretPath,
  type SecretSchema,
} from "./config_secrets.ts";
export { MasterKeyError, SecretDecryptError } from "./errors.ts";
export { decryptionKeys, encryptionKey, MasterKeyHolder, type MasterKeyRef } from "./key_holder.ts";
