/**
 * Plugin databases through the real daemon and real sandboxed plugins: migrations applied once
 * at enable and recorded, isolation between two plugins, refused statements, the time limit,
 * the size quota, transactions, and updates whose migration fails (or whose new version is
 * unhealthy) rolled back with the database as it was.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

const FIXTURES = new URL("../fixtures/db/", import.meta.url).pathname;

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function install(d: TestDaemon, dir: string, id: string): Promise<void> {
  const r = await call(d, "POST", "/v1/plugins", { source: join(FIXTURES, dir) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.requested, { db: ["1MiB"] });
  assert.equal(r.body.risks[0].level, "medium");
  assert.equal(
    (await call(d, "POST", `/v1/plugins/${id}/grant`, { permissions: { db: ["1MiB"] } })).status,
    200,
  );
  const enabled = await call(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
}

/** Runs SQL as plugin `id` would (its `sql.exec` filter calls ctx.db.execute). */
async function sql(d: TestDaemon, sqlText: string, args: unknown[] = [], filter = "sql.exec") {
  const r = await call(d, "POST", `/v1/filters/${filter}`, { data: { sql: sqlText, args } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.skipped.length, 0, JSON.stringify(r.body.skipped));
  return r.body.data as {
    ok: boolean;
    result?: { rows: Record<string, unknown>[] };
    error?: { name: string; message: string };
  };
}

Deno.test("plugin databases: migrations, isolation, refusals, limits, transactions", async () => {
  await using d = await startDaemon();
  await install(d, "runner-v1", "db-a");
  const seeded = await sql(d, "SELECT name FROM items");
  assert.deepEqual(seeded.result?.rows, [{ name: "seed" }], "001 applied at enable");
  const audit = (await call(d, "GET", "/v1/audit?limit=200")).body;
  assert.ok(JSON.stringify(audit).includes("plugin.db.migrate"), "the migration is audited");
  // A restart applies nothing twice.
  assert.equal((await call(d, "POST", "/v1/plugins/db-a/restart")).status, 200);
  const migrations = await sql(d, "SELECT version, plugin_version FROM _plugd_migrations");
  assert.deepEqual(migrations.result?.rows, [{ version: 1, plugin_version: "1.0.0" }]);

  const refused = [
    "ATTACH DATABASE '/etc/passwd' AS x",
    "SELECT readfile('/etc/shadow')",
    "PRAGMA journal_mode = OFF",
    "VACUUM INTO '/tmp/stolen.db'",
    "SELECT load_extension('/tmp/x.so')",
    "DELETE FROM _plugd_migrations",
  ];
  for (const text of refused) {
    const r = await sql(d, text);
    assert.equal(r.ok, false, text);
    assert.equal(r.error?.name, "SqlRefusedError", `${text}: ${JSON.stringify(r.error)}`);
  }

  const slow = await sql(
    d,
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
  );
  assert.equal(slow.error?.name, "DbTimeoutError", JSON.stringify(slow));
  assert.deepEqual((await sql(d, "SELECT count(*) AS n FROM items")).result?.rows, [{ n: 1 }]);

  const full = await sql(
    d,
    "INSERT INTO items (name) SELECT hex(randomblob(2000)) FROM generate_series(1, 2000)",
  );
  assert.equal(full.ok, false);
  assert.match(full.error!.message, /full/i, "the 1 MiB quota holds");

  const tx = await call(d, "POST", "/v1/filters/sql.tx", {
    data: { statements: ["INSERT INTO items (name) VALUES ('tx')"], fail: true },
  });
  assert.equal(tx.body.data.ok, false);
  assert.deepEqual(
    (await sql(d, "SELECT count(*) AS n FROM items WHERE name = 'tx'")).result?.rows,
    [{ n: 0 }],
  );

  // A second plugin has its own file: the same table name is simply not there.
  await install(d, "runner-b", "db-b");
  await sql(d, "DELETE FROM items");
  await sql(d, "INSERT INTO items (name) VALUES ('only b')");
  const state = d.stateDir;
  const a = join(state, "db", "db-a", "plugin.db");
  const attach = await sql(d, `ATTACH DATABASE '${a}' AS other`);
  assert.equal(attach.error?.name, "SqlRefusedError");
  const files = [...Deno.readDirSync(join(state, "db"))].map((e) => e.name).sort();
  assert.deepEqual(files, ["db-a", "db-b"]);
});

Deno.test("plugin databases: a failed migration or an unhealthy update rolls back with the data", async () => {
  await using d = await startDaemon();
  await install(d, "runner-v1", "db-a");
  await sql(d, "INSERT INTO items (name) VALUES ('kept')");

  const bad = await call(d, "POST", "/v1/plugins/db-a/update", {
    source: join(FIXTURES, "runner-v2-bad"),
  });
  assert.equal(bad.status, 409, JSON.stringify(bad.body));
  assert.match(bad.body.detail, /002_broken\.sql.*none was applied.*1\.0\.0 was restored/s);
  const v = (await call(d, "GET", "/v1/plugins/db-a")).body;
  assert.equal(v.version, "1.0.0");
  assert.equal(v.state, "enabled");
  assert.deepEqual(
    (await sql(d, "SELECT name FROM sqlite_schema WHERE name = 'tags'")).result?.rows,
    [],
  );

  const unhealthy = await call(d, "POST", "/v1/plugins/db-a/update", {
    source: join(FIXTURES, "runner-v3-unhealthy"),
  });
  assert.equal(unhealthy.status, 409, JSON.stringify(unhealthy.body));
  // 002 had been applied by v3's launch: the snapshot taken before the switch undoes it.
  assert.deepEqual(
    (await sql(d, "SELECT name FROM sqlite_schema WHERE name = 'tags'")).result?.rows,
    [],
  );
  assert.deepEqual(
    (await sql(d, "SELECT name FROM items ORDER BY id")).result?.rows,
    [{ name: "seed" }, { name: "kept" }],
  );

  const good = await call(d, "POST", "/v1/plugins/db-a/update", {
    source: join(FIXTURES, "runner-v4"),
  });
  assert.equal(good.status, 200, JSON.stringify(good.body));
  const applied = await sql(d, "SELECT version, plugin_version FROM _plugd_migrations ORDER BY 1");
  assert.deepEqual(applied.result?.rows, [
    { version: 1, plugin_version: "1.0.0" },
    { version: 2, plugin_version: "1.3.0" },
  ]);
});
