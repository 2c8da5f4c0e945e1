import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/mod.ts";
import { openStore } from "./open_store.ts";

async function tempDbUrl(): Promise<{ url: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-store-" });
  return { url: `file:${dir}/plugd.db`, dir };
}

async function tableNames(url: string): Promise<string[]> {
  const client = createClient({ url });
  const rs = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  client.close();
  return rs.rows.map((r) => String(r.name)).sort();
}

Deno.test("openStore() migrates a fresh database to the latest version", async () => {
  const { url, dir } = await tempDbUrl();
  const store = await openStore(url);
  const rs = await store.execute("SELECT MAX(version) AS v FROM schema_migrations");
  assert.equal(Number(rs.rows[0]?.v), MIGRATIONS.length);
  const mode = await store.execute("PRAGMA journal_mode");
  assert.equal(String(mode.rows[0]?.journal_mode), "wal");
  const fk = await store.execute("PRAGMA foreign_keys");
  assert.equal(Number(fk.rows[0]?.foreign_keys), 1);
  store.close();
  const names = await tableNames(url);
  for (const t of ["plugins", "grants", "tokens", "audit_log", "plugin_storage"]) {
    assert.ok(names.includes(t), `table ${t} exists`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("migrate() upgrades a database from the previous version and keeps its rows", async () => {
  const { url, dir } = await tempDbUrl();
  const client = createClient({ url });
  assert.deepEqual(await migrate(client, MIGRATIONS.slice(0, 1)), [1]);
  await client.execute({
    sql:
      `INSERT INTO tokens (id, name, scope, hash, created_at) VALUES ('t1', 'x', 'admin', 'h', 'now')`,
  });
  const applied = await migrate(client, MIGRATIONS);
  assert.deepEqual(applied, MIGRATIONS.slice(1).map((m) => m.version));
  const rs = await client.execute("SELECT id FROM tokens");
  assert.equal(rs.rows[0]?.id, "t1");
  assert.deepEqual(await migrate(client, MIGRATIONS), [], "second run applies nothing");
  client.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("migrate() refuses a database newer than this plugd", async () => {
  const { url, dir } = await tempDbUrl();
  const client = createClient({ url });
  await migrate(client, MIGRATIONS);
  await assert.rejects(() => migrate(client, MIGRATIONS.slice(0, 1)), /newer than this plugd/);
  client.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.write() runs builders one at a time", async () => {
  const { url, dir } = await tempDbUrl();
  const store = await openStore(url);
  const order: string[] = [];
  await Promise.all(["a", "b", "c"].map((name) =>
    store.write(async () => {
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 1));
      order.push(`end ${name}`);
      return { statements: [] };
    })
  ));
  assert.deepEqual(order, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  store.close();
  await Deno.remove(dir, { recursive: true });
});
