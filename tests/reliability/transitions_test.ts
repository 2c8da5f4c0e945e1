/**
 * Issue 22, finding 3 and "crash-safe state transitions": a daemon killed (SIGKILL) at each step
 * of an update, an install and an uninstall restarts into a consistent state: the old version
 * runs, nothing half-installed is listed, no file nothing refers to is left, the audit says what
 * happened. A widening update waits while the running version keeps running (grant switches,
 * --cancel withdraws), across restarts too.
 *
 * The kill points are `PLUGD_TEST_CRASH_AT=<step>`: the daemon SIGKILLs itself at that step, so
 * each step is hit exactly rather than by a racing signal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { call, fixture, OPTS, waitFor } from "./_helpers.ts";

const counter = (name: string) => fixture(name, "lifecycle");

async function enabledCounter(d: TestDaemon): Promise<void> {
  const installed = await call(d, "POST", "/v1/plugins", { source: counter("counter-v1") });
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: installed.body.requested });
  assert.equal((await call(d, "POST", "/v1/plugins/counter/enable")).status, 200);
}

/** The daemon's answer to a request during which it killed itself, or null. */
async function dies(d: TestDaemon, method: string, path: string, body?: unknown) {
  const answer = await call(d, method, path, body).catch(() => null);
  const status = await d.process.status;
  assert.equal(status.signal, "SIGKILL", `the daemon should have died: ${JSON.stringify(answer)}`);
}

async function folders(stateDir: string, sub: string): Promise<string[]> {
  try {
    // Names starting with "." are plugd's own (the type-check cache), never a plugin's.
    return (await Array.fromAsync(Deno.readDir(join(stateDir, sub)))).map((e) => e.name)
      .filter((name) => !name.startsWith(".")).sort();
  } catch {
    return [];
  }
}

async function runningAt(d: TestDaemon, version: string): Promise<void> {
  await waitFor(async () => {
    const v = (await call(d, "GET", "/v1/plugins/counter")).body;
    return v.version === version && v.state === "enabled" && v.stats?.state === "running";
  }, `counter ${version} enabled and running`);
}

async function audit(d: TestDaemon, action: string): Promise<{ result: string }[]> {
  const answer = await call(d, "GET", `/v1/audit?action=${action}&limit=100`);
  return answer.body.rows;
}

for (const step of ["update.switching", "update.checked"]) {
  for (const to of ["counter-v2", "counter-broken"]) {
    if (step === "update.checked" && to === "counter-broken") continue; // never passes its check
    Deno.test(
      `kill -9 at ${step} of an update to ${to}: the restart runs 1.0.0`,
      OPTS,
      async () => {
        const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: step } });
        await enabledCounter(first);
        await dies(first, "POST", "/v1/plugins/counter/update", { source: counter(to) });
        await using second = await startDaemon({ stateDir: first.stateDir });
        await runningAt(second, "1.0.0");
        await second.waitForLog(/update of counter to \S+ was interrupted: 1\.0\.0 kept/);
        assert.deepEqual(await folders(first.stateDir, "plugins/counter"), ["1.0.0"]);
        const rollbacks = await audit(second, "plugin.update.rollback");
        assert.ok(rollbacks.some((r) => r.result === "rolled_back"), JSON.stringify(rollbacks));
        // Nothing is left pending: the next update goes through.
        const again = await call(second, "POST", "/v1/plugins/counter/update", {
          source: counter("counter-v2"),
        });
        assert.equal(again.status, 200, JSON.stringify(again.body));
        await runningAt(second, "1.1.0");
        assert.deepEqual(await folders(first.stateDir, "plugins/counter"), ["1.1.0"]);
      },
    );
  }
}

Deno.test(
  "kill -9 after an install staged its files: nothing is installed, nothing left",
  OPTS,
  async () => {
    const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: "install.staged" } });
    await dies(first, "POST", "/v1/plugins", { source: counter("counter-v1") });
    assert.deepEqual(await folders(first.stateDir, "plugins/counter"), ["1.0.0"], "staged");
    await using second = await startDaemon({ stateDir: first.stateDir });
    await second.waitForLog("removed files nothing refers to: counter (not installed)");
    assert.equal((await call(second, "GET", "/v1/plugins/counter")).status, 404);
    assert.deepEqual(await folders(first.stateDir, "plugins"), []);
    assert.deepEqual(await folders(first.stateDir, "prepared"), []);
    await enabledCounter(second); // and it installs again
  },
);

Deno.test("kill -9 during an uninstall: the restart finishes it", OPTS, async () => {
  const first = await startDaemon({ env: { PLUGD_TEST_CRASH_AT: "uninstall.removing" } });
  await enabledCounter(first);
  await dies(first, "DELETE", "/v1/plugins/counter?purge=true");
  assert.deepEqual(await folders(first.stateDir, "plugins"), ["counter"], "files still there");
  await using second = await startDaemon({ stateDir: first.stateDir });
  await second.waitForLog("uninstall of counter finished");
  assert.equal((await call(second, "GET", "/v1/plugins/counter")).status, 404);
  assert.deepEqual(await folders(first.stateDir, "plugins"), []);
  assert.deepEqual(await folders(first.stateDir, "data"), []);
});

Deno.test(
  "a widening update waits while the running version keeps running, across a restart",
  OPTS,
  async () => {
    const first = await startDaemon();
    await enabledCounter(first);
    const wide = await call(first, "POST", "/v1/plugins/counter/update", {
      source: counter("counter-wide"),
    });
    assert.equal(wide.status, 200, JSON.stringify(wide.body));
    assert.equal(wide.body.awaiting_grant, true);
    assert.match(wide.body.permissions_diff, /api\.example\.com/);
    await runningAt(first, "1.0.0");
    const view = (await call(first, "GET", "/v1/plugins/counter")).body;
    assert.equal(view.pending_update.to, "3.0.0");
    assert.deepEqual(view.pending_update.requested.net, ["api.example.com:443"]);
    assert.deepEqual(view.permissions.granted, { write: ["$DATA"] }, "the grant is untouched");
    const busy = await call(first, "POST", "/v1/plugins/counter/update", {
      source: counter("counter-v2"),
    });
    assert.equal(busy.status, 409);
    assert.match(busy.body.detail, /--cancel/);
    await first.kill();

    await using second = await startDaemon({ stateDir: first.stateDir });
    await runningAt(second, "1.0.0");
    assert.equal(
      (await call(second, "GET", "/v1/plugins/counter")).body.pending_update.to,
      "3.0.0",
    );
    assert.deepEqual(await folders(first.stateDir, "plugins/counter"), ["1.0.0", "3.0.0"]);
    const wrong = await call(second, "POST", "/v1/plugins/counter/grant", {
      permissions: { write: ["$DATA"] },
    });
    assert.equal(wrong.status, 409);
    assert.match(wrong.body.detail, /must equal what version 3\.0\.0/);
    const granted = await call(second, "POST", "/v1/plugins/counter/grant", {
      permissions: view.pending_update.requested,
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.deepEqual(granted.body.updated, { from: "1.0.0", to: "3.0.0" });
    await runningAt(second, "3.0.0");
    assert.equal((await call(second, "GET", "/v1/plugins/counter")).body.pending_update, null);
    assert.deepEqual(await folders(first.stateDir, "plugins/counter"), ["3.0.0"]);
  },
);

Deno.test(
  "plugd plugin update --cancel withdraws a waiting update and removes its files",
  OPTS,
  async () => {
    await using d = await startDaemon();
    await enabledCounter(d);
    await call(d, "POST", "/v1/plugins/counter/update", { source: counter("counter-wide") });
    const info = await runPlugd(["plugin", "info", "counter", "--socket", d.socketPath]);
    assert.match(info.stdout, /update: +3\.0\.0 waits for a grant \(net \+api\.example\.com:443\)/);
    assert.match(info.stdout, /plugd plugin update counter --cancel/);
    const cancelled = await runPlugd([
      "plugin",
      "update",
      "counter",
      "--cancel",
      "--socket",
      d.socketPath,
    ]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(
      cancelled.stdout,
      /withdrew the update of counter to 3\.0\.0; 1\.0\.0 keeps running/,
    );
    await runningAt(d, "1.0.0");
    assert.equal((await call(d, "GET", "/v1/plugins/counter")).body.pending_update, null);
    assert.deepEqual(await folders(d.stateDir, "plugins/counter"), ["1.0.0"]);
    const nothing = await call(d, "DELETE", "/v1/plugins/counter/update");
    assert.equal(nothing.status, 409);
    assert.match(nothing.body.detail, /no update waiting/);
    const rows = await audit(d, "plugin.update.cancel");
    assert.equal(rows.length, 1);
  },
);
