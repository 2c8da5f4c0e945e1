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
  "tenant_configs.config",
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
  for (const row of await configRows(store)) {
    const config = JSON.parse(row.config) as Record<string, unknown>;
    let changed = false;
    // Secrets may sit at any depth (`github/token`, `hooks/0/key`): each is re-sealed in place.
    for (const { path, value } of sealedValues(config)) {
      const aad = secretAad(row.owner, path);
      value.$enc = await encryptSecret(to, await decryptSecret(from, value.$enc, aad), aad);
      changed = true;
      count++;
    }
    if (changed) statements.push(row.update(JSON.stringify(config)));
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
  for (const row of await configRows(store)) {
    for (const { path, value } of sealedValues(JSON.parse(row.config))) {
      out.push([
        `${row.where}.${path.replaceAll("/", ".")}`,
        value.$enc,
        secretAad(row.owner, path),
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

/** A stored config with sealed values: its AAD owner, and the UPDATE that replaces it. */
interface ConfigRow {
  owner: string;
  where: string;
  config: string;
  update: (config: string) => InStatement;
}

/**
 * Plugin configs (AAD owner: the plugin id) and tenant overrides (owner `<plugin>@<tenant>`, as
 * `src/plugins/tenant_configs.ts` seals them).
 */
async function configRows(store: Store): Promise<ConfigRow[]> {
  const rows: ConfigRow[] = [];
  for (const r of (await store.execute("SELECT plugin_id, config FROM plugin_config")).rows) {
    const id = String(r.plugin_id);
    rows.push({
      owner: id,
      where: `plugin_config ${id}`,
      config: String(r.config),
      update: (config) => ({
        sql: "UPDATE plugin_config SET config = ? WHERE plugin_id = ?",
        args: [config, id],
      }),
    });
  }
  const tenants = await store.execute("SELECT plugin_id, tenant, config FROM tenant_configs");
  for (const r of tenants.rows) {
    const [id, tenant] = [String(r.plugin_id), String(r.tenant)];
    rows.push({
      owner: `${id}@${tenant}`,
      where: `tenant_configs ${id}@${tenant}`,
      config: String(r.config),
      update: (config) => ({
        sql: "UPDATE tenant_configs SET config = ? WHERE plugin_id = ? AND tenant = ?",
        args: [config, id, tenant],
      }),
    });
  }
  return rows;
}
