import assert from "node:assert/strict";
import { join } from "node:path";
import { DbError, DbMigrationError, DbTimeoutError } from "./errors.ts";
import { PluginDatabases } from "./plugin_databases.ts";
import { SqlRefusedError } from "./sql_guard.ts";

const MODE = Deno.env.get("PLUGD_SANDBOX") === "flags" ? "flags" : "bwrap";
const LIMITS = { quotaBytes: 1024 * 1024, timeoutMs: 10_000 };

async function withDbs(fn: (dbs: PluginDatabases, state: string) => Promise<void>): Promise<void> {
  const state = await Deno.makeTempDir({ prefix: "plugd-db-" });
  try {
    await using dbs = new PluginDatabases({ stateDir: state, sandbox: { mode: MODE } });
    await fn(dbs, state);
  } finally {
    await Deno.remove(state, { recursive: true });
  }
}

Deno.test("a plugin database runs statements, batches atomically and keeps blobs", async () => {
  await withDbs(async (dbs) => {
    const db = await dbs.get({ pluginId: "notes" }, LIMITS);
    await db.execute("CREATE TABLE n (id INTEGER PRIMARY KEY, body TEXT, data BLOB)");
    const ins = await db.execute("INSERT INTO n (body, data) VALUES (?, ?)", [
      "hi",
      { $blob: "AQID" },
    ]);
    assert.equal(ins.rowsAffected, 1);
    assert.equal(ins.lastInsertRowid, 1);
    const sel = await db.execute("SELECT * FROM n WHERE body = :b", { b: "hi" });
    assert.deepEqual(sel.columns, ["id", "body", "data"]);
    assert.deepEqual(sel.rows, [{ id: 1, body: "hi", data: { $blob: "AQID" } }]);
    await assert.rejects(
      () => db.batch(["INSERT INTO n (body) VALUES ('a')", "INSERT INTO nope VALUES (1)"]),
      DbError,
    );
    assert.equal((await db.execute("SELECT count(*) AS c FROM n")).rows[0]!.c, 1, "atomic");
    await assert.rejects(() => db.execute("ATTACH 'x' AS y"), SqlRefusedError);
  });
});

Deno.test("a transaction is owned by one caller; others wait for its end", async () => {
  await withDbs(async (dbs) => {
    const db = await dbs.get({ pluginId: "tx" }, LIMITS);
    await db.execute("CREATE TABLE t (x)");
    const tx = await db.begin();
    await db.execute("INSERT INTO t VALUES (1)", [], tx);
    const outside = db.execute("SELECT count(*) AS c FROM t");
    await db.finish(tx, true);
    assert.equal((await outside).rows[0]!.c, 0, "rolled back before the other caller ran");
    await assert.rejects(() => db.execute("SELECT 1", [], tx), /transaction is over/);
  });
});

Deno.test("the quota, the time limit and the result limit hold", async () => {
  await withDbs(async (dbs) => {
    const db = await dbs.get({ pluginId: "limits" }, { quotaBytes: 256 * 1024, timeoutMs: 1500 });
    await db.execute("CREATE TABLE big (b BLOB)");
    await assert.rejects(
      () => db.execute("INSERT INTO big SELECT randomblob(1024) FROM generate_series(1, 1000)"),
      (e: DbError) => e.code === "SQLITE_FULL",
    );
    await assert.rejects(
      () =>
        db.execute(
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
        ),
      DbTimeoutError,
    );
    assert.equal((await db.execute("SELECT 2 AS two")).rows[0]!.two, 2, "restarted after a kill");
    await assert.rejects(
      () => db.execute("SELECT randomblob(1000) FROM generate_series(1, 2000)"),
      /larger than/,
    );
  });
});

Deno.test("the database process cannot read files outside its folder", async () => {
  if (MODE !== "bwrap") return;
  await withDbs(async (dbs, state) => {
    const secret = join(state, "secret.txt");
    await Deno.writeTextFile(secret, "top secret");
    const db = await dbs.get({ pluginId: "wall" }, LIMITS);
    // The guard refuses readfile(); the mount namespace is the wall behind it: ask the process
    // directly, as a guard bypass would.
    const r = await db.process.request<{ rows: { f: unknown }[] }>(
      { op: "execute", sql: "SELECT readfile(?) AS f", args: [secret] },
      5000,
    );
    assert.equal(r.rows[0]!.f, null);
    const other = await dbs.get({ pluginId: "other" }, LIMITS);
    await other.execute("CREATE TABLE t (x)");
    const r2 = await db.process.request<{ rows: { f: unknown }[] }>(
      {
        op: "execute",
        sql: "SELECT readfile(?) AS f",
        args: [join(dbs.dirOf({ pluginId: "other" }), "plugin.db")],
      },
      5000,
    );
    assert.equal(r2.rows[0]!.f, null, "another plugin's database is not in its namespace");
  });
});

Deno.test("migrations apply once, in one transaction, and refuse edits", async () => {
  await withDbs(async (dbs, state) => {
    const dir = join(state, "migrations");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(
      join(dir, "001_init.sql"),
      "CREATE TABLE a (x); INSERT INTO a VALUES (1);",
    );
    const key = { pluginId: "mig" };
    assert.deepEqual(await dbs.migrate(key, LIMITS, dir, "1.0.0"), [1]);
    assert.deepEqual(await dbs.migrate(key, LIMITS, dir, "1.0.0"), [], "applied once");
    await Deno.writeTextFile(join(dir, "002_ok.sql"), "CREATE TABLE b (y);");
    await Deno.writeTextFile(join(dir, "003_bad.sql"), "INSERT INTO missing VALUES (1);");
    await assert.rejects(() => dbs.migrate(key, LIMITS, dir, "1.1.0"), DbMigrationError);
    const db = await dbs.get(key, LIMITS);
    const tables = await db.execute("SELECT name FROM sqlite_schema WHERE name = 'b'");
    assert.equal(tables.rows.length, 0, "002 rolled back with 003");
    await Deno.remove(join(dir, "003_bad.sql"));
    await Deno.writeTextFile(join(dir, "001_init.sql"), "CREATE TABLE a (x, z);");
    await assert.rejects(
      () => dbs.migrate(key, LIMITS, dir, "1.1.0"),
      /changed after it was applied/,
    );
  });
});

Deno.test("an update's copy is restored whole, once, and never an older one", async () => {
  await withDbs(async (dbs) => {
    const key = { pluginId: "snap" };
    const names = async () =>
      (await (await dbs.get(key, LIMITS)).execute("SELECT x FROM t ORDER BY x")).rows.map((r) =>
        r.x
      );
    // No database yet: restoring the copy removes what the new version created.
    await dbs.snapshot(key);
    await (await dbs.get(key, LIMITS)).execute("CREATE TABLE t (x)");
    assert.equal(await dbs.restoreSnapshot(key), true);
    assert.equal(await dbs.restoreSnapshot(key), false, "consumed");
    assert.equal(await dbs.size(key), 0, "no database again");

    await (await dbs.get(key, LIMITS)).execute("CREATE TABLE t (x)");
    await (await dbs.get(key, LIMITS)).execute("INSERT INTO t VALUES (1)");
    await dbs.snapshot(key); // a stale copy (of [1]) an earlier run left
    await (await dbs.get(key, LIMITS)).execute("INSERT INTO t VALUES (2)");
    const snapshot = await dbs.snapshot(key); // this update's copy: [1, 2]
    await (await dbs.get(key, LIMITS)).execute("INSERT INTO t VALUES (3)");
    await snapshot.restore();
    assert.deepEqual(await names(), [1, 2]);
    await dbs.discardSnapshot(key);
    assert.equal(await dbs.restoreSnapshot(key), false, "nothing left to restore");
  });
});

Deno.test("an update's copy covers every tenant database, and a rollback removes a new one", async () => {
  await withDbs(async (dbs) => {
    const own = { pluginId: "multi" };
    const acme = { pluginId: "multi", tenant: "acme" };
    const globex = { pluginId: "multi", tenant: "globex" };
    const run = async (key: typeof own, sql: string) =>
      await (await dbs.get(key, LIMITS)).execute(sql);
    const tables = async (key: typeof own) =>
      (await run(key, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")).rows
        .map((r) => r.name);
    await run(own, "CREATE TABLE v1 (x)");
    await run(acme, "CREATE TABLE v1 (x)");
    // In the same run: the switch's restore() puts both back and removes globex's new database.
    const snapshot = await dbs.snapshotAll("multi");
    for (const key of [own, acme, globex]) await run(key, "CREATE TABLE v2 (x)");
    await snapshot.restore();
    assert.deepEqual(await tables(own), ["v1"]);
    assert.deepEqual(await tables(acme), ["v1"], "the tenant database is restored too");
    await dbs.close(globex);
    assert.equal(await dbs.size(globex), 0, "a tenant database the update created is gone");
    assert.equal(await dbs.restoreAll("multi"), false, "the copies are consumed");

    // After a crash: the next start's restoreAll() does the same from the copies on disk.
    await dbs.snapshotAll("multi");
    for (const key of [own, acme, globex]) await run(key, "CREATE TABLE v3 (x)");
    for (const key of [own, acme, globex]) await dbs.close(key);
    assert.equal(await dbs.restoreAll("multi"), true);
    assert.deepEqual(await tables(acme), ["v1"]);
    await dbs.close(globex);
    assert.equal(await dbs.size(globex), 0);

    // A copy is discarded for every database, so no stale one is ever restored.
    await run(globex, "CREATE TABLE g (x)");
    await dbs.snapshotAll("multi");
    await dbs.discardAll("multi");
    assert.equal(await dbs.restoreAll("multi"), false);
    assert.deepEqual(await tables(globex), ["g"], "without a copy of its own, nothing is removed");
  });
});

Deno.test("copyAllTo takes a consistent copy while the database is in use", async () => {
  await withDbs(async (dbs, state) => {
    const key = { pluginId: "live" };
    const db = await dbs.get(key, LIMITS);
    await db.execute("CREATE TABLE t (x)");
    await db.execute("INSERT INTO t VALUES (1)");
    const tx = await db.begin(); // a transaction stays open during the copy
    await db.execute("INSERT INTO t VALUES (2)", [], tx);
    const to = join(state, "backup");
    assert.deepEqual(await dbs.copyAllTo("live", to), ["plugin.db"]);
    await db.finish(tx, false);
    assert.deepEqual(await dbs.copyAllTo("none", join(state, "other")), [], "no database");
    await using copies = new PluginDatabases({
      stateDir: join(state, "restored"),
      sandbox: { mode: MODE },
    });
    await Deno.mkdir(copies.dirOf(key), { recursive: true });
    await Deno.copyFile(join(to, "plugin.db"), join(copies.dirOf(key), "plugin.db"));
    const copy = await copies.get(key, LIMITS);
    assert.deepEqual(
      (await copy.execute("SELECT x FROM t")).rows,
      [{ x: 1 }],
      "committed rows only",
    );
  });
});
