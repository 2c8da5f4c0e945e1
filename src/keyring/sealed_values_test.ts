import assert from "node:assert/strict";
import { join } from "node:path";
import { MasterKeyHolder } from "../secrets/mod.ts";
import { openStore } from "../store/mod.ts";
import { openMasterKey } from "./open_master_key.ts";
import { rotateMasterKey } from "./rotate_master_key.ts";
import { listSealedValues, SEALED_COLUMNS } from "./sealed_values.ts";

/** Every column holding a value that looks sealed (`v1:` or `{"$enc":…}`), as table.column. */
async function sealedLookingColumns(store: Awaited<ReturnType<typeof openStore>>) {
  const found = new Set<string>();
  const tables = await store.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  for (const t of tables.rows) {
    const rows = await store.execute(`SELECT * FROM "${t.name}"`);
    for (const row of rows.rows) {
      for (const column of rows.columns) {
        const v = row[column];
        if (typeof v === "string" && (v.startsWith("v1:") || v.includes('"$enc"'))) {
          found.add(`${t.name}.${column}`);
        }
      }
    }
  }
  return found;
}

Deno.test("rotateMasterKey() re-seals every sealed column, and SEALED_COLUMNS names them all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-keyring-" });
  const store = await openStore(`file:${join(dir, "plugd.db")}`);
  const keyFile = join(dir, "master.key");
  const { holder } = await openMasterKey({ store, keyFile, stateDir: dir, log: () => {} });
  const { encryptSecret } = await import("../secrets/mod.ts");
  const now = new Date().toISOString();
  await store.execute({
    sql: `INSERT INTO plugins (id, version, state, manifest, source, digest, installed_at,
            updated_at) VALUES ('p', '1.0.0', 'installed', '{}', '/x', 'd', ?, ?)`,
    args: [now, now],
  });
  await store.execute({
    sql: "INSERT INTO plugin_config (plugin_id, config, updated_at) VALUES ('p', ?, ?)",
    args: [
      JSON.stringify({ a: { $enc: await encryptSecret(holder, "A", "plugin:p:a") }, b: 1 }),
      now,
    ],
  });
  await store.execute({
    sql: `INSERT INTO tenant_configs (plugin_id, tenant, config, updated_at)
          VALUES ('p', 'acme', ?, ?)`,
    args: [
      JSON.stringify({ t: { $enc: await encryptSecret(holder, "T", "plugin:p@acme:t") } }),
      now,
    ],
  });
  await store.execute({
    sql: `INSERT INTO webhooks (id, name, url, event_types, timeout_ms, secret_enc,
            previous_secret_enc, created_at, updated_at) VALUES ('w', 'w', 'http://x', '[]', 1, ?, ?, ?, ?)`,
    args: [
      await encryptSecret(holder, "S", "webhook:w"),
      await encryptSecret(holder, "P", "webhook:w"),
      now,
      now,
    ],
  });
  await store.execute({
    sql: `INSERT INTO registry_installations (registry, installation_id, token, created_at)
          VALUES ('corp', 'i1', ?, ?)`,
    args: [await encryptSecret(holder, "plugr_x", "registry-installation:corp"), now],
  });
  const known = new Set<string>([...SEALED_COLUMNS, "master_key_check.canary"]);
  for (const column of await sealedLookingColumns(store)) {
    assert.ok(known.has(column), `${column} holds sealed values: add it to SEALED_COLUMNS`);
  }
  const result = await rotateMasterKey({ store, holder, keyFile, stateDir: dir, actor: "test" });
  assert.equal(result.secrets, 5);
  assert.equal(result.installed, true);
  // Only the new key opens them now.
  const fresh = new MasterKeyHolder(holder.current);
  const { decryptSecret } = await import("../secrets/mod.ts");
  for (const [where, blob, aad] of await listSealedValues(store)) {
    assert.ok(await decryptSecret(fresh, blob, aad), where);
  }
  const reopened = await openMasterKey({ store, keyFile, stateDir: dir, log: () => {} });
  assert.equal(reopened.keyId, result.key_id);
  store.close();
  await Deno.remove(dir, { recursive: true });
});
