/**
 * Issue 22, crash-safe transitions with a plugin database: a daemon killed (SIGKILL) once the new
 * version migrated the database restarts on the old version AND the old database (a tenant's
 * database too); a stale copy from an earlier update is never what a restart puts back; an
 * interrupted uninstall with purge removes the database folder too.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { call, fixture, installEnable, type Json, OPTS, waitFor } from "./_helpers.ts";

const runner = (name: string) => fixture(name, "db");

/**
 * Runs SQL as plugin db-a (its `sql.exec` filter calls ctx.db.execute); returns its rows. A read
 * the loaded machine timed out (the filter skipped) is asked again: timing is not under test.
 */
async function rows(d: TestDaemon, sql: string, tenant?: string): Promise<Json[]> {
  for (let attempt = 1;; attempt++) {
    const r = await call(d, "POST", "/v1/filters/sql.exec", { data: { sql }, tenant });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.skipped.length > 0 && /^SELECT/i.test(sql) && attempt < 5) continue;
    assert.deepEqual(r.body.skipped, [], sql);
    assert.equal(r.body.data.ok, true, JSON.stringify(r.body.data));
    return r.body.data.result.rows;
  }
}

/** The daemon's answer to a request during which it killed itself. */
async function dies(d: TestDaemon, method: string, path: string, body?: unknown) {
  const answer = await call(d, method, path, body).catch(() => null);
  const status = await d.process.status;
  assert.equal(status.signal, "SIGKILL", `the daemon should have died: ${JSON.stringify(answer)}`);
  await d.kill(); // releases the test's side (it is dead already)
}

/** Starts a second daemon on the state dir of `first`; stops it and removes the dir after `fn`. */
async function restarted(first: TestDaemon, fn: (d: TestDaemon) => Promise<void>) {
  const second = await startDaemon({ stateDir: first.stateDir });
  try {
    await fn(second);
  } finally {
    await second.kill();
    await Deno.remove(first.stateDir, { recursive: true }).catch(() => {});
  }
}

async function runningAt(d: TestDaemon, version: string): Promise<void> {
  await waitFor(
    async () => {
      const v = (await call(d, "GET", "/v1/plugins/db-a")).body;
      return v.version === version && v.state === "enabled" && v.stats?.state === "running";
    },
    `db-a ${version} enabled and running`,
    90_000,
  );
}

async function files(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** db-a 1.0.0 enabled, with a row of its own beside the seed. */
async function dbPlugin(d: TestDaemon): Promise<void> {
  await installEnable(d, runner("runner-v1"));
  await rows(d, "INSERT INTO items (name) VALUES ('kept')");
}

Deno.test(
  "kill -9 after the new version migrated its database: the restart runs 1.0.0 on its old database",
  OPTS,
  async () => {
    const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: "update.checked" } });
    await dbPlugin(first);
    // Tenant acme has a database of db-a too (migrated at its first use).
    assert.equal((await call(first, "POST", "/v1/tenants", { id: "acme" })).status, 201);
    await rows(first, "INSERT INTO items (name) VALUES ('acme kept')", "acme");
    // 1.3.0 adds the table `tags` (migration 002) at its launch, then passes its health check.
    await dies(first, "POST", "/v1/plugins/db-a/update", { source: runner("runner-v4") });
    const dir = join(first.stateDir, "db", "db-a");
    assert.ok((await files(dir)).includes("plugin.db.before-update"), "the copy was taken");
    const acmeDir = join(dir, "tenants", "acme");
    assert.ok((await files(acmeDir)).includes("plugin.db.before-update"), "and acme's");
    // What 1.3.0 would have done to acme's database at its first call for acme before the crash.
    const acmeDb = createClient({ url: `file:${join(acmeDir, "plugin.db")}` });
    await acmeDb.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY)");
    acmeDb.close();

    await restarted(first, async (second) => {
      await runningAt(second, "1.0.0");
      await second.waitForLog(
        /update of db-a to 1\.3\.0 was interrupted: 1\.0\.0 kept, its database restored/,
      );
      assert.deepEqual(
        await rows(second, "SELECT name FROM sqlite_schema WHERE name = 'tags'"),
        [],
      );
      assert.deepEqual(await rows(second, "SELECT name FROM items ORDER BY id"), [
        { name: "seed" },
        { name: "kept" },
      ]);
      assert.deepEqual(await rows(second, "SELECT version FROM _plugd_migrations"), [{
        version: 1,
      }]);
      const acmeTags = "SELECT name FROM sqlite_schema WHERE name = 'tags'";
      assert.deepEqual(await rows(second, acmeTags, "acme"), [], "acme's database restored");
      assert.deepEqual(await rows(second, "SELECT name FROM items ORDER BY id", "acme"), [
        { name: "seed" },
        { name: "acme kept" },
      ]);
      for (const d of [dir, acmeDir]) {
        assert.ok(
          !(await files(d)).some((f) => f.includes("before-update")),
          `the copy is consumed (${d})`,
        );
      }
      const audit = await call(second, "GET", "/v1/audit?action=plugin.update.rollback");
      assert.equal(audit.body.rows[0]?.detail?.database, "restored", JSON.stringify(audit.body));

      // The update goes through afterwards, migrating the restored database once.
      const again = await call(second, "POST", "/v1/plugins/db-a/update", {
        source: runner("runner-v4"),
      });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      await runningAt(second, "1.3.0");
      assert.deepEqual(await rows(second, "SELECT version FROM _plugd_migrations ORDER BY 1"), [
        { version: 1 },
        { version: 2 },
      ]);
      assert.ok(!(await files(dir)).some((f) => f.includes("before-update")), "no copy left");
    });
  },
);

Deno.test(
  "kill -9 before the copy: a stale copy from an earlier update is not what the restart restores",
  OPTS,
  async () => {
    const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: "update.switching" } });
    await dbPlugin(first);
    // A copy an earlier run left (an empty copy stands for "there was no database"): restoring
    // it would lose every row.
    const dir = join(first.stateDir, "db", "db-a");
    await Deno.writeFile(join(dir, "plugin.db.before-update"), new Uint8Array());
    await dies(first, "POST", "/v1/plugins/db-a/update", { source: runner("runner-v4") });

    await restarted(first, async (second) => {
      await runningAt(second, "1.0.0");
      await second.waitForLog(/update of db-a to 1\.3\.0 was interrupted: 1\.0\.0 kept$/m);
      assert.deepEqual(await rows(second, "SELECT name FROM items ORDER BY id"), [
        { name: "seed" },
        { name: "kept" },
      ]);
      assert.ok(
        !(await files(dir)).some((f) => f.includes("before-update")),
        "the stale copy went",
      );
    });
  },
);

Deno.test(
  "kill -9 during an uninstall with purge: the restart removes the plugin's database too",
  OPTS,
  async () => {
    const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: "uninstall.removing" } });
    await dbPlugin(first);
    await dies(first, "DELETE", "/v1/plugins/db-a?purge=true");
    assert.deepEqual(await files(join(first.stateDir, "db")), ["db-a"], "still there");

    await restarted(first, async (second) => {
      await second.waitForLog("uninstall of db-a finished", 90_000);
      assert.equal((await call(second, "GET", "/v1/plugins/db-a")).status, 404);
      assert.deepEqual(await files(join(first.stateDir, "db")), []);
      // Installed again, it starts from its first migration on an empty database.
      await installEnable(second, runner("runner-v1"));
      assert.deepEqual(await rows(second, "SELECT name FROM items"), [{ name: "seed" }]);
    });
  },
);
