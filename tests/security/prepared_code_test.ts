/**
 * The prepared folder's code is checked like the plugin's files. Its runtime module (plugd's shim
 * and SDK) runs in the plugin's process before the plugin's own files are checked, so a changed
 * `runtime.js` must never run: the daemon compares what it recorded when it prepared the folder,
 * prepares it again, logs and audits the change, on every start: a daemon restart, a restart after
 * the plugin crashed, an on-demand start after an idle stop. Real daemon, real sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { api, installAndEnable } from "./_socket_api.ts";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const ECHO = new URL("../fixtures/plugins/echo", import.meta.url).pathname;
/** Only an action: stopped when idle, started again by the next event. */
const COUNTER = new URL("../fixtures/lifecycle/counter-v1", import.meta.url).pathname;
/** What the changed runtime module does first: say so on stderr, which the plugin's log keeps. */
const MARK = "runtime-was-changed";

/** Prepends a stderr line to the prepared runtime module; returns plugd's own text. */
async function changeRuntime(runtime: string): Promise<string> {
  const original = await Deno.readTextFile(runtime);
  await Deno.writeTextFile(runtime, `console.error(${JSON.stringify(MARK)});\n` + original);
  return original;
}

/**
 * After a start: the changed module did not run (its line is not in the plugin's log), plugd's
 * own is back, and the daemon logged and audited the change once.
 */
async function assertNotRun(d: TestDaemon, id: string, runtime: string, original: string) {
  const logs = await api(d, "GET", `/v1/plugins/${id}/logs`);
  assert.equal(logs.status, 200, logs.text);
  assert.ok(!logs.text.includes(MARK), logs.text);
  assert.equal(await Deno.readTextFile(runtime), original, "the daemon's own runtime module again");
  await d.waitForLog(
    new RegExp(`plugin ${id}: its prepared files changed since plugd wrote them \\(runtime\\.js`),
  );
  const audit = await api(d, "GET", "/v1/audit?action=plugin.prepared_changed");
  assert.equal(audit.status, 200, audit.text);
  const rows = audit.body.rows;
  assert.equal(rows.length, 1, audit.text);
  assert.equal(rows[0].target, id);
  assert.deepEqual(rows[0].detail.files, ["runtime.js"]);
}

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

Deno.test(
  "a changed runtime.js in the prepared folder never runs: prepared again, audited",
  OPTS,
  async () => {
    const first = await startDaemon();
    const { stateDir } = first;
    const prepared = join(stateDir, "prepared/echo/1.0.0");
    const runtime = join(prepared, "runtime.js");
    let original: string;
    try {
      await installAndEnable(first, ECHO, "echo");
      await answers(first);
      original = await Deno.readTextFile(runtime);
    } finally {
      assert.equal(await first.stop(), 0);
    }

    // Someone who can write the daemon's files changes the runtime module while plugd is down.
    await Deno.writeTextFile(runtime, `console.error(${JSON.stringify(MARK)});\n` + original);

    await using again = await startDaemon({ stateDir });
    await answers(again);
    await assertNotRun(again, "echo", runtime, original);
  },
);

/** The plugin's runtime stats: its state, the pid of its sandbox, its standby process. */
async function stats(
  d: TestDaemon,
  id: string,
): Promise<{ state: string; pid?: number; standby?: { pid: number } }> {
  const view = await api(d, "GET", `/v1/plugins/${id}`);
  assert.equal(view.status, 200, view.text);
  return view.body.stats;
}

Deno.test(
  "a runtime.js changed while the plugin runs never runs in its restart after a crash",
  OPTS,
  async () => {
    await using d = await startDaemon();
    const runtime = join(d.stateDir, "prepared/echo/1.0.0/runtime.js");
    await installAndEnable(d, ECHO, "echo");
    await answers(d);
    const { pid } = await stats(d, "echo");
    assert.ok(pid, "a running process");
    const original = await changeRuntime(runtime);

    // The plugin's process dies; the supervisor starts it again after its backoff.
    Deno.kill(pid, "SIGKILL");
    await waitFor(async () => {
      const now = await stats(d, "echo");
      return now.state === "running" && now.pid !== undefined && now.pid !== pid;
    }, "the supervisor's restart");
    await answers(d);
    await assertNotRun(d, "echo", runtime, original);
  },
);

Deno.test(
  "a runtime.js changed while an on-demand plugin is stopped idle never runs at its next event",
  OPTS,
  async () => {
    await using d = await startDaemon({ env: { PLUGD_IDLE_STOP_MS: "300" } });
    const runtime = join(d.stateDir, "prepared/counter/1.0.0/runtime.js");
    await installAndEnable(d, COUNTER, "counter");
    await waitFor(async () => (await stats(d, "counter")).state === "stopped", "the idle stop");
    const original = await changeRuntime(runtime);

    const event = { specversion: "1.0", id: "idle-1", source: "/t", type: "count.hit", data: {} };
    const res = await d.fetch("/v1/events?wait=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.results[0].status, "ok", JSON.stringify(body));
    await assertNotRun(d, "counter", runtime, original);
  },
);

Deno.test(
  "a runtime.js changed while an on-demand plugin runs never runs in its standby process",
  OPTS,
  async () => {
    // One start on demand earns a standby, started at the plugin's next idle stop.
    const env = { PLUGD_IDLE_STOP_MS: "1000", PLUGD_STANDBY_AFTER_STARTS: "1" };
    await using d = await startDaemon({ env });
    const runtime = join(d.stateDir, "prepared/counter/1.0.0/runtime.js");
    await installAndEnable(d, COUNTER, "counter");
    let original: string | undefined;
    for (let i = 0; original === undefined; i++) {
      await waitFor(async () => (await stats(d, "counter")).state === "stopped", "the idle stop");
      const res = await d.fetch("/v1/events?wait=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ specversion: "1.0", source: "/t", type: "count.hit", id: `s${i}` }),
      });
      assert.equal(res.status, 200, await res.text());
      const { pid } = await stats(d, "counter");
      const changed = await changeRuntime(runtime);
      // Changed while the process the event started still runs: no standby was spawned before.
      const now = await stats(d, "counter");
      if (now.state === "running" && now.pid === pid && now.standby === undefined) {
        original = changed;
      } else await Deno.writeTextFile(runtime, changed); // too late this time (a loaded host)
    }

    await waitFor(async () => {
      const s = await stats(d, "counter");
      return s.state === "stopped" && s.standby !== undefined;
    }, "a standby process after the idle stop");
    await assertNotRun(d, "counter", runtime, original);
  },
);
