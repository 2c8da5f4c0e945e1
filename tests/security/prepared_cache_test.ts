/**
 * The prepared folder's whole content is checked in the sandbox's layout, not only the files plugd
 * names: a compiled module added to Deno's cache (`cache/gen`) after the prepare, and changed bytes
 * in Deno's cache databases (V8's code cache, which Deno takes for any module whose source hash
 * matches), are caught at the next start like a changed runtime module: the added file is removed,
 * the folder prepared again, the change logged and audited, the plugin runs plugd's code. Also once
 * the folder's marker is sealed (a start after the hashing passed skips it while no entry of the
 * folder changed): real daemon, real sandbox.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { api, installAndEnable } from "./_socket_api.ts";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const ECHO = new URL("../fixtures/plugins/echo", import.meta.url).pathname;
/** Only an action: stopped when idle, started again by the next event. */
const COUNTER = new URL("../fixtures/lifecycle/counter-v1", import.meta.url).pathname;
/** Where Deno would look for its compiled copy of a plugin module `extra.ts`. */
const ADDED = "cache/gen/file/plugin/extra.ts.js";
const CODE_CACHE = "cache/v8_code_cache_v2";

/** The plugin answers its route: it started and runs its own code. */
function answers(d: TestDaemon): Promise<boolean> {
  return waitFor(
    async () => {
      const r = await api(d, "GET", "/v1/plugins/echo/routes/hello");
      return r.status === 200 && r.text === "hello";
    },
    "echo to answer its route",
    60_000,
  );
}

/** The one `plugin.prepared_changed` audit row of `id`, after its log line. */
async function auditedChange(d: TestDaemon, id: string): Promise<Record<string, unknown>> {
  await d.waitForLog(new RegExp(`plugin ${id}: its prepared files changed since plugd wrote them`));
  // Audited right after the log line: awaited, not raced.
  const audit = await waitFor(async () => {
    const a = await api(d, "GET", "/v1/audit?action=plugin.prepared_changed");
    return a.status === 200 && a.body.rows.length > 0 ? a : undefined;
  }, "the audit row");
  assert.equal(audit.body.rows.length, 1, audit.text);
  assert.equal(audit.body.rows[0].target, id);
  return audit.body.rows[0].detail;
}

/** SHA-256 (hex) of the runtime module's cached bytecode in `db`. */
function runtimeCodeCache(db: string): string {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const row = conn.prepare("SELECT data FROM codecache WHERE specifier LIKE ?")
      .get("%/runtime.js") as { data: Uint8Array } | undefined;
    assert.ok(row, "the runtime module's code cache");
    return createHash("sha256").update(row.data).digest("hex");
  } finally {
    conn.close();
  }
}

Deno.test(
  "a compiled module added to the prepared cache after the prepare is removed, audited",
  OPTS,
  async () => {
    const first = await startDaemon();
    const { stateDir } = first;
    const prepared = join(stateDir, "prepared/echo/1.0.0");
    try {
      await installAndEnable(first, ECHO, "echo");
      await answers(first);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    // Someone who can write the daemon's files adds a module to Deno's cache while plugd is down.
    await Deno.writeTextFile(join(prepared, ADDED), 'console.error("added-module-ran");\n');

    await using again = await startDaemon({ stateDir });
    await answers(again);
    const detail = await auditedChange(again, "echo");
    assert.deepEqual(detail.files, [ADDED]);
    assert.deepEqual(detail.added, [ADDED]);
    await assert.rejects(Deno.stat(join(prepared, ADDED)), Deno.errors.NotFound, "removed");
    const logs = await api(again, "GET", "/v1/plugins/echo/logs");
    assert.ok(!logs.text.includes("added-module-ran"), logs.text);
  },
);

Deno.test(
  "forged V8 code cache bytes under a sealed marker are caught at an on-demand start",
  OPTS,
  async () => {
    // No standby: each event starts a process, checked right before it spawns.
    const env = { PLUGD_IDLE_STOP_MS: "300", PLUGD_STANDBY_MEMORY_MB: "0" };
    await using d = await startDaemon({ env });
    const prepared = join(d.stateDir, "prepared/counter/1.0.0");
    const marker = join(prepared, "prepared-for");
    await installAndEnable(d, COUNTER, "counter");
    // Starts on demand until one comes late enough after the prepare to seal the marker.
    let n = 0;
    await waitFor(
      async () => {
        const state = (await api(d, "GET", "/v1/plugins/counter")).body.stats.state;
        if (state !== "stopped") return false;
        if ((await Deno.readTextFile(marker)).includes("\nseal ")) return true;
        const res = await d.fetch("/v1/events?wait=true", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            specversion: "1.0",
            source: "/t",
            type: "count.hit",
            id: `s${n++}`,
          }),
        });
        assert.equal(res.status, 200, await res.text());
        return false;
      },
      "a sealed marker",
      60_000,
    );
    const original = runtimeCodeCache(join(prepared, CODE_CACHE));

    // The runtime module's cached bytecode replaced by other bytes of the same length: Deno would
    // hand them to V8 for the runtime module's source.
    const db = new DatabaseSync(join(prepared, CODE_CACHE));
    try {
      const row = db.prepare("SELECT rowid, data FROM codecache WHERE specifier LIKE ?")
        .get("%/runtime.js") as { rowid: number; data: Uint8Array };
      assert.ok(row, "the runtime module's code cache");
      db.prepare("UPDATE codecache SET data = ? WHERE rowid = ?")
        .run(row.data.map((b) => b ^ 0x5a), row.rowid);
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)"); // into the database file itself
    } finally {
      db.close();
    }
    assert.notEqual(runtimeCodeCache(join(prepared, CODE_CACHE)), original);

    const res = await d.fetch("/v1/events?wait=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ specversion: "1.0", source: "/t", type: "count.hit", id: "forged" }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.results[0].status, "ok", JSON.stringify(body));
    const detail = await auditedChange(d, "counter");
    assert.ok((detail.files as string[]).includes(CODE_CACHE), JSON.stringify(detail));
    const again = runtimeCodeCache(join(prepared, CODE_CACHE));
    assert.equal(again, original, "plugd's own code cache again");
  },
);
