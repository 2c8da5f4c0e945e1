import { decryptSecret, encryptSecret, secretAad } from "./cipher.ts";
import type { MasterKeyRef } from "./key_holder.ts";

/** What a config value shows instead of a secret (SPEC §8). */
export const REDACTED = "********";

/**
 * The part of a config schema these functions look at: which nodes are `secret`, and how to
 * reach children (object `properties`/`additionalProperties`, array `items`). A normalized
 * manifest config schema fits it.
 */
export interface SecretSchema {
  secret?: boolean;
  properties?: Record<string, SecretSchema>;
  additionalProperties?: boolean | SecretSchema;
  items?: SecretSchema;
}

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
 * The path a sealed value is bound to: its segments joined by `/` (a top-level setting is just
 * its name, as in plugd 0.1). Setting names never contain `/`.
 */
export function secretPath(path: readonly (string | number)[]): string {
  return path.join("/");
}

function child(schema: SecretSchema | undefined, key: string | number): SecretSchema | undefined {
  if (!schema) return undefined;
  if (typeof key === "number") return schema.items;
  if (schema.properties && Object.hasOwn(schema.properties, key)) return schema.properties[key];
  return typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
}

/**
 * Rebuilds `value`, calling `leaf` on every secret (by schema) and every sealed value, wherever
 * they sit (objects and arrays at any depth). `leaf` returns the replacement.
 */
async function mapSecrets(
  schema: SecretSchema | undefined,
  value: unknown,
  path: (string | number)[],
  leaf: (value: unknown, path: (string | number)[], secret: boolean) => Promise<unknown>,
): Promise<unknown> {
  const secret = schema?.secret === true;
  if (secret || isSealed(value)) return await leaf(value, path, secret);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      out.push(await mapSecrets(child(schema, i), value[i], [...path, i], leaf));
    }
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = await mapSecrets(child(schema, k), v, [...path, k], leaf);
    }
    return out;
  }
  return value;
}

/**
 * Encrypts every secret of `values` (plaintext, already validated) for storage, at any depth:
 * each becomes `{"$enc": blob}` bound to `plugin:<pluginId>:<path>` (`github/token`,
 * `hooks/0/key`). Other values pass through. The result is what goes into
 * `plugin_config.config` (as `JSON.stringify(result)`).
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
  return await mapSecrets(schema, values, [], async (value, path, secret) => {
    if (!secret || value === undefined || value === null || isSealed(value)) return value;
    if (typeof value !== "string") {
      throw new TypeError(
        `Secret config field "${secretPath(path)}" must be a string to be encrypted`,
      );
    }
    return { $enc: await encryptSecret(key, value, secretAad(pluginId, secretPath(path))) };
  }) as Record<string, unknown>;
}

/**
 * Decrypts every `{"$enc": blob}` of stored config at any depth (whatever the schema says now, so
 * a field that stopped being secret in an update still opens). Throws `SecretDecryptError` when a
 * blob was altered, moved to another path or plugin, or the master key changed.
 */
export async function openConfig(
  key: MasterKeyRef,
  pluginId: string,
  stored: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return await mapSecrets(
    undefined,
    stored,
    [],
    async (value, path) =>
      isSealed(value)
        ? await decryptSecret(key, value.$enc, secretAad(pluginId, secretPath(path)))
        : value,
  ) as Record<string, unknown>;
}

/**
 * Every sealed value of stored config with the path it is bound to (for key rotation and
 * checks).
 */
export function sealedValues(stored: unknown): { path: string; value: SealedValue }[] {
  const out: { path: string; value: SealedValue }[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (isSealed(v)) out.push({ path: secretPath(path), value: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(stored, []);
  return out;
}

/**
 * Replaces secret values (by schema, at any depth, or anything still sealed) with `"********"`,
 * for every answer and log line. Absent secrets stay absent, so a caller can tell "not set" from
 * "set".
 */
export function redactConfig(
  schema: SecretSchema,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const walk = (s: SecretSchema | undefined, v: unknown): unknown => {
    if ((s?.secret || isSealed(v)) && v !== undefined && v !== null) return REDACTED;
    if (Array.isArray(v)) return v.map((x, i) => walk(child(s, i), x));
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(child(s, k), x)]));
    }
    return v;
  };
  return walk(schema, values) as Record<string, unknown>;
}
