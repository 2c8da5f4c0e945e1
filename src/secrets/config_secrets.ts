import { decryptSecret, encryptSecret, secretAad } from "./cipher.ts";
import type { MasterKeyRef } from "./key_holder.ts";

/** What a config value shows instead of a secret (SPEC §8). */
export const REDACTED = "********";

/** The part of a config field schema these functions look at. */
export type SecretSchema = Record<string, { secret?: boolean }>;

/** How an encrypted field is stored: `{"$enc": "v1:..."}`. */
export interface SealedValue {
  $enc: string;
}

/** Whether a stored value is an encrypted `{"$enc": blob}`. */
export function isSealed(value: unknown): value is SealedValue {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    typeof (value as { $enc?: unknown }).$enc === "string" && Object.keys(value).length === 1;
}

/**
 * Encrypts every secret field of `values` (plaintext, already validated) for storage: each
 * becomes `{"$enc": blob}` bound to `plugin:<pluginId>:<field>`. Other fields pass through.
 * The result is what goes into `plugin_config.config` (as `JSON.stringify(result)`).
 *
 * @example
 * ```ts
 * const stored = await sealConfig(key, "slack-notify", manifest.config, { webhook_url: "https://…" });
 * // { webhook_url: { $enc: "v1:…" } }
 * ```
 */
export async function sealConfig(
  key: MasterKeyRef,
  pluginId: string,
  schema: SecretSchema,
  values: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (schema[name]?.secret && value !== undefined && value !== null && !isSealed(value)) {
      if (typeof value !== "string") {
        throw new TypeError(`Secret config field "${name}" must be a string to be encrypted`);
      }
      out[name] = { $enc: await encryptSecret(key, value, secretAad(pluginId, name)) };
    } else {
      out[name] = value;
    }
  }
  return out;
}

/**
 * Decrypts every `{"$enc": blob}` of stored config (whatever the schema says now, so a field
 * that stopped being secret in an update still opens). Throws `SecretDecryptError` when a blob
 * was altered, moved to another field or plugin, or the master key changed.
 */
export async function openConfig(
  key: MasterKeyRef,
  pluginId: string,
  stored: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    out[name] = isSealed(value)
      ? await decryptSecret(key, value.$enc, secretAad(pluginId, name))
      : value;
  }
  return out;
}

/**
 * Replaces secret values (by schema, or anything still sealed) with `"********"`, for every
 * answer and log line. Absent secrets stay absent, so a caller can tell "not set" from "set".
 */
export function redactConfig(
  schema: SecretSchema,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const secret = schema[name]?.secret || isSealed(value);
    out[name] = secret && value !== undefined && value !== null ? REDACTED : value;
  }
  return out;
}
