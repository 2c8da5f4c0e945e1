/**
 * plugd backup while the daemon runs under event load and a plugin writes to its database, then
 * plugd restore onto an empty state dir: the same plugins, grants, config, secrets, storage,
 * data and plugin databases come back, proven by diffing GET /v1/plugins, each plugin's storage
 * and the database's rows before and after.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { readPluginData, writePluginData } from "../helpers/plugin_data.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const COUNTER = new URL("../fixtures/lifecycle/counter-v1/", import.meta.url).pathname;
const KEEPER = new URL("../fixtures/plugins/keeper/", import.meta.url).pathname;
const DB_RUNNER = new URL("../fixtures/db/runner-v1/", import.meta.url).pathname;

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const event = (type: string, data: unknown = {}) => ({
  specversion: "1.0",
  id: crypto.randomUUID(),
  source: "/test",
  type,
  data,
});

/** Runs SQL as plugin db-a (its `sql.exec` filter calls ctx.db.execute); returns its rows. */
async function sql(d: TestDaemon, text: string): Promise<Record<string, unknown>[]> {
  const answer = await call(d, "POST", "/v1/filters/sql.exec", { data: { sql: text } });
  assert.deepEqual(answer.skipped, [], `${text}: ${JSON.stringify(answer.skipped)}`);
  assert.equal(answer.data.ok, true, JSON.stringify(answer.data));
  return answer.data.result.rows;
}

/** The rows of db-a's table, and SQLite's own check, straight from its database file. */
async function itemsOf(stateDir: string): Promise<{ names: string[]; integrity: unknown }> {
  const client = createClient({ url: `file:${join(stateDir, "db", "db-a", "plugin.db")}` });
  try {
    const rs = await client.execute("SELECT name FROM items ORDER BY id");
    const check = await client.execute("PRAGMA integrity_check");
    return { names: rs.rows.map((r) => String(r.name)), integrity: check.rows[0]?.[0] };
  } finally {
    client.close();
  }
}

/** Every plugin's storage rows, straight from the database file. */
async function storageOf(stateDir: string): Promise<unknown[]> {
  const client = createClient({ url: `file:${join(stateDir, "plugd.db")}` });
  try {
    const rs = await client.execute(
      "SELECT plugin_id, key, value FROM plugin_storage ORDER BY plugin_id, key",
    );
    return rs.rows.map((r) => [r.plugin_id, r.key, r.value]);
  } finally {
    client.close();
  }
}

/** What must survive: the list, and per plugin its grants, redacted config and state. */
async function snapshot(d: TestDaemon) {
  // Plugins start after the listeners: wait until every enabled one runs.
  const list = await waitFor(async () => {
    const l = (await call(d, "GET", "/v1/plugins")).plugins;
    return l.every((p: { runtime: string }) => p.runtime === "running") ? l : null;
  }, "plugins running");
  const details: Record<string, unknown> = {};
  for (const p of list as { id: string }[]) {
    const v = await call(d, "GET", `/v1/plugins/${p.id}`);
    details[p.id] = {
      version: v.version,
      state: v.state,
      digest: v.digest,
      permissions: v.permissions,
      config: await call(d, "GET", `/v1/plugins/${p.id}/config`),
    };
  }
  // Counters and health checks that depend on this process's history are not state.
  const stable = (list as Record<string, unknown>[]).map((p) => ({
    ...p,
    invocations: undefined,
    errors: undefined,
    restarts: undefined,
    health: undefined,
  }));
  return { list: stable, details };
}

Deno.test("backup under event load, restore onto an empty state dir, diff", OPTS, async () => {
  const work = await Deno.makeTempDir({ prefix: "plugd-backup-" });
  const archive = join(work, "backup.plugd");
  const passFile = join(work, "pass");
  await Deno.writeTextFile(passFile, "a long enough passphrase\n");
  const a = await startDaemon();
  let before;
  const acknowledged: string[] = [];
  const written: string[] = [];
  const attempted = new Set<string>();
  let writtenBefore = 0;
  try {
    for (const source of [COUNTER, KEEPER, DB_RUNNER]) {
      const installed = await call(a, "POST", "/v1/plugins", { source });
      await call(a, "POST", `/v1/plugins/${installed.id}/grant`, {
        permissions: installed.requested,
      });
    }
    await call(a, "PUT", "/v1/plugins/counter/config", { token: "restore-me", label: "n" });
    await call(a, "POST", "/v1/plugins/counter/enable");
    await call(a, "PUT", "/v1/plugins/keeper/config", { api_key: "k-123" });
    await call(a, "POST", "/v1/plugins/keeper/enable");
    for (let i = 0; i < 3; i++) await call(a, "POST", "/v1/events?wait=true", event("count.hit"));
    for (const [key, value] of [["a", 1], ["b", { nested: ["x"] }]]) {
      await call(a, "POST", "/v1/events?wait=true", event("keep.put", { key, value }));
    }
    await writePluginData(a, "counter", "notes.txt", "data survives");
    await call(a, "POST", "/v1/plugins/db-a/enable");
    await sql(a, "INSERT INTO items (name) VALUES ('before the backup')");

    // Event load: events acknowledged before the backup starts must be in it.
    let loading = true;
    const load = (async () => {
      while (loading) {
        const r = await call(a, "POST", "/v1/events", event("load.tick"));
        acknowledged.push(r.id);
      }
    })();
    // And the plugin keeps writing to its database: rows committed before the backup must be in it.
    // A write the loaded machine times out may or may not have committed: it is only attempted.
    const writes = (async () => {
      for (let i = 0; loading; i++) {
        attempted.add(`load ${i}`);
        const rows = await sql(a, `INSERT INTO items (name) VALUES ('load ${i}')`).catch(() =>
          null
        );
        if (rows) written.push(`load ${i}`);
      }
    })();
    while (acknowledged.length < 20 || written.length < 5) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const ackedBefore = acknowledged.length;
    writtenBefore = written.length;
    const backup = await runPlugd([
      "backup",
      archive,
      "--encrypt",
      "--include-master-key",
      "--passphrase-file",
      passFile,
      "--state-dir",
      a.stateDir,
    ]);
    loading = false;
    await load;
    await writes;
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /3 plugins, 1 plugin databases, encrypted, with the master key/);
    assert.ok(acknowledged.length > ackedBefore, "the load ran during the backup");
    acknowledged.length = ackedBefore;
    before = { api: await snapshot(a), storage: await storageOf(a.stateDir) };
    assert.ok((before.storage as unknown[]).length >= 2, JSON.stringify(before.storage));
    const audit = await call(a, "GET", "/v1/audit?action=backup.create");
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0].detail.includes_master_key, true);
    // No staging left behind once the archive was sent.
    await waitFor(
      () => [...Deno.readDirSync(join(a.stateDir, "incoming"))].length === 0,
      "the backup's staging folder to be removed",
    );
  } finally {
    await a.stop();
  }

  // Restore refuses a non-empty state dir, and a wrong passphrase.
  const refused = await runPlugd(["restore", archive, "--state-dir", a.stateDir]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not empty: restore only onto an empty state dir/);
  // A fresh empty folder (restore makes it 0711, so the sandbox uid can reach its code).
  const target = await Deno.makeTempDir({ prefix: "plugd-restored-" });
  await Deno.writeTextFile(join(work, "wrong"), "not the passphrase at all\n");
  const wrong = await runPlugd([
    "restore",
    archive,
    "--state-dir",
    target,
    "--passphrase-file",
    join(work, "wrong"),
  ]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /wrong passphrase/);
  assert.deepEqual([...Deno.readDirSync(target)].map((e) => e.name), [], "nothing left behind");

  const restored = await runPlugd([
    "restore",
    archive,
    "--state-dir",
    target,
    "--passphrase-file",
    passFile,
  ]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /restored 3 plugins/);
  assert.deepEqual(await storageOf(target), before.storage);
  // The plugin database: a consistent copy (SQLite's own check), with every row committed
  // before the backup began; rows written during it may or may not be in it.
  const items = await itemsOf(target);
  assert.equal(items.integrity, "ok");
  const names = new Set(items.names);
  for (const name of ["seed", "before the backup", ...written.slice(0, writtenBefore)]) {
    assert.ok(names.has(name), `"${name}", committed before the backup, is restored`);
  }
  for (const name of items.names.slice(2)) assert.ok(attempted.has(name), `unexpected row ${name}`);
  assert.equal(names.size, items.names.length, "no row twice");

  // Tokens are restored (hashed in the database); the admin token FILE is a live credential that
  // a backup never holds: the operator keeps it, as this test does.
  await Deno.copyFile(join(a.stateDir, "admin.token"), join(target, "admin.token"));
  await using b = await startDaemon({ stateDir: target });
  const after = await snapshot(b);
  assert.deepEqual(after, before.api);
  assert.equal(await readPluginData(b, "counter", "notes.txt"), "data survives");
  // The restored plugin reads and writes its database where it left off.
  assert.deepEqual(
    (await sql(b, "SELECT name FROM items ORDER BY id")).map((r) => r.name),
    items.names,
  );
  await sql(b, "INSERT INTO items (name) VALUES ('after the restore')");
  // The secret opens with the restored key, storage continues where it was.
  const hit = await call(b, "POST", "/v1/events?wait=true", event("count.hit"));
  assert.deepEqual(hit.results[0].result, { n: 4, label: "n", token_set: true });
  const put = await call(
    b,
    "POST",
    "/v1/events?wait=true",
    event("keep.put", { key: "c", value: 3 }),
  );
  assert.deepEqual(put.results[0].result, { stored: "c", keys: ["a", "b", "c"], api_key: "k-123" });
  for (const id of acknowledged) {
    const r = await b.fetchSocket(`/v1/events/${id}`);
    await r.body?.cancel();
    assert.equal(r.status, 200, `event ${id}, acknowledged before the backup, is restored`);
  }
  assert.equal((await call(b, "GET", "/v1/audit?verify=true")).ok, true);
  const restoreRow = await call(b, "GET", "/v1/audit?action=backup.restore");
  assert.equal(restoreRow.rows.length, 1);
  await Deno.remove(work, { recursive: true });
  await b.stop();
  await Deno.remove(target, { recursive: true });
});
