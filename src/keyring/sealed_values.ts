/**
 * Every value in the database sealed under the master key, and the statements that re-seal
 * them under another key. A new table holding `encryptSecret` output must be added here, or
 * a rotation would leave its values unreadable (the keyring test lists the known columns).
 */
import type { InStatement } from "@libsql/client";
import {
  decryptSecret,
  encryptSecret,
  type MasterKeyRef,
  sealedValues,
  secretAad,
} from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";

/** The columns that hold sealed values, as `table.column`. */
export const SEALED_COLUMNS = [
  "plugin_config.config",
  "webhooks.secret_enc",
  "webhooks.previous_secret_enc",
  "registry_installations.token",
] as const;

/**
 * Decrypts every sealed value with `from` and returns UPDATEs that store it sealed under
 * `to`, plus the number of values. Throws `SecretDecryptError` if any value does not open
 * (nothing is changed then).
 */
export async function resealStatements(
  store: Store,
  from: MasterKeyRef,
  to: CryptoKey,
): Promise<{ statements: InStatement[]; count: number }> {
  const statements: InStatement[] = [];
  let count = 0;
  const configs = await store.execute("SELECT plugin_id, config FROM plugin_config");
  for (const row of configs.rows) {
    const pluginId = String(row.plugin_id);
    const config = JSON.parse(String(row.config)) as Record<string, unknown>;
    let changed = false;
    // Secrets may sit at any depth (`github/token`, `hooks/0/key`): each is re-sealed in place.
    for (const { path, value } of sealedValues(config)) {
      const aad = secretAad(pluginId, path);
      value.$enc = await encryptSecret(to, await decryptSecret(from, value.$enc, aad), aad);
      changed = true;
      count++;
    }
    if (changed) {
      statements.push({
        sql: "UPDATE plugin_config SET config = ? WHERE plugin_id = ?",
        args: [JSON.stringify(config), pluginId],
      });
    }
  }
  const hooks = await store.execute("SELECT id, secret_enc, previous_secret_enc FROM webhooks");
  for (const row of hooks.rows) {
    const aad = `webhook:${row.id}`;
    const reseal = async (blob: unknown) =>
      blob === null
        ? null
        : await encryptSecret(to, await decryptSecret(from, String(blob), aad), aad);
    const current = await reseal(row.secret_enc);
    const previous = await reseal(row.previous_secret_enc);
    count += previous === null ? 1 : 2;
    statements.push({
      sql: "UPDATE webhooks SET secret_enc = ?, previous_secret_enc = ? WHERE id = ?",
      args: [current, previous, String(row.id)],
    });
  }
  const installs = await store.execute("SELECT registry, token FROM registry_installations");
  for (const row of installs.rows) {
    const aad = `registry-installation:${row.registry}`;
    const token = await encryptSecret(to, await decryptSecret(from, String(row.token), aad), aad);
    count++;
    statements.push({
      sql: "UPDATE registry_installations SET token = ? WHERE registry = ?",
      args: [token, String(row.registry)],
    });
  }
  return { statements, count };
}

/** Every sealed value as `[where, blob, aad]`, for checks (tests, restore). */
export async function listSealedValues(store: Store): Promise<[string, string, string][]> {
  const out: [string, string, string][] = [];
  const configs = await store.execute("SELECT plugin_id, config FROM plugin_config");
  for (const row of configs.rows) {
    for (const { path, value } of sealedValues(JSON.parse(String(row.config)))) {
      out.push([
        `plugin_config ${row.plugin_id}.${path.replaceAll("/", ".")}`,
        value.$enc,
        secretAad(String(row.plugin_id), path),
      ]);
    }
  }
  const hooks = await store.execute("SELECT id, secret_enc, previous_secret_enc FROM webhooks");
  for (const row of hooks.rows) {
    for (const column of ["secret_enc", "previous_secret_enc"]) {
      if (row[column] !== null) {
        out.push([`webhooks ${row.id}.${column}`, String(row[column]), `webhook:${row.id}`]);
      }
    }
  }
  const installs = await store.execute("SELECT registry, token FROM registry_installations");
  for (const row of installs.rows) {
    out.push([
      `registry_installations ${row.registry}.token`,
      String(row.token),
      `registry-installation:${row.registry}`,
    ]);
  }
  return out;
}
