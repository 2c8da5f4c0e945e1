/**
 * Standby processes, on a real daemon with a real sandboxed on-demand plugin: a plugin started on
 * demand often gets a started, handshaken process after its idle stop, and its next event is
 * handed to that process; a config change, an update or a disable stops the standby, so no call
 * ever runs in a process with old config, grants or code; the memory budget and the CPU budget
 * hold for standbys too.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startPlugin } from "../../src/harness/mod.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { fixture, OPTS, waitFor } from "./_helpers.ts";

const ID = "standby-probe";
const WAIT = 60_000; // a safety net on a loaded machine, never a timing assertion

interface Answer {
  boot: string;
  label: string;
  version: string;
}

interface Stats {
  state: string;
  pid?: number;
  standby?: { pid: number; privateBytes: number };
}

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function ping(d: TestDaemon): Promise<Answer> {
  const event = { specversion: "1.0", source: "/test", type: "probe.ping", data: {} };
  const r = await call(d, "POST", "/v1/events?wait=true", event);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const result = r.body.results?.find((x: { plugin: string }) => x.plugin === ID);
  assert.equal(result?.status, "ok", JSON.stringify(r.body));
  return result.result as Answer;
}

async function stats(d: TestDaemon): Promise<Stats> {
  return (await call(d, "GET", `/v1/plugins/${ID}`)).body.stats as Stats;
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the idle stop, then for the standby the policy gives the plugin. */
async function standbyReady(d: TestDaemon): Promise<{ pid: number; privateBytes: number }> {
  return await waitFor(
    async () => {
      const s = await stats(d);
      return s.state === "stopped" ? s.standby : undefined;
    },
    "a standby process after the idle stop",
    WAIT,
  );
}

async function stoppedCold(d: TestDaemon): Promise<Answer> {
  await waitFor(async () => (await stats(d)).state === "stopped", "the idle stop", WAIT);
  return await ping(d);
}

async function installProbe(d: TestDaemon, dir: string): Promise<void> {
  const install = await call(d, "POST", "/v1/plugins", { source: dir });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  await call(d, "POST", `/v1/plugins/${ID}/grant`, { permissions: install.body.requested });
  const enabled = await call(d, "POST", `/v1/plugins/${ID}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
}

Deno.test(
  "a plugin started often gets a standby, and its next event is handed to it",
  OPTS,
  async () => {
    await using d = await startDaemon({
      env: { PLUGD_IDLE_STOP_MS: "300", PLUGD_STANDBY_AFTER_STARTS: "2" },
    });
    await installProbe(d, fixture(ID));
    const first = await stoppedCold(d);
    const second = await stoppedCold(d);
    assert.notEqual(first.boot, second.boot, "each cold event starts a new process");

    const standby = await standbyReady(d);
    assert.ok(alive(standby.pid), "the standby process runs");
    assert.ok(standby.privateBytes > 0, "its private memory is measured");
    const handed = await ping(d);
    const after = await stats(d);
    assert.equal(after.pid, standby.pid, "the event went to the standby process");
    assert.equal(after.standby, undefined, "a running plugin has no standby");
    assert.notEqual(handed.boot, second.boot);
    assert.equal(handed.label, "a");

    // A config change starts from scratch: the standby (old config) is stopped, never used.
    const old = await standbyReady(d);
    const set = await call(d, "PUT", `/v1/plugins/${ID}/config`, { label: "b" });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await waitFor(() => !alive(old.pid), "the standby with the old config to exit", WAIT);
    assert.equal((await ping(d)).label, "b");
    assert.notEqual((await stats(d)).pid, old.pid);

    // Disabled: no standby is left behind.
    await stoppedCold(d);
    await stoppedCold(d);
    const last = await standbyReady(d);
    const disabled = await call(d, "POST", `/v1/plugins/${ID}/disable`);
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    await waitFor(() => !alive(last.pid), "the standby to exit at disable", WAIT);
    assert.equal((await stats(d)).standby, undefined);
  },
);

Deno.test("an update stops the standby: the next event runs the new code", OPTS, async () => {
  await using d = await startDaemon({
    env: { PLUGD_IDLE_STOP_MS: "300", PLUGD_STANDBY_AFTER_STARTS: "1" },
  });
  await installProbe(d, fixture(ID));
  assert.equal((await stoppedCold(d)).version, "1.0.0");
  const standby = await standbyReady(d);

  const v2 = await Deno.makeTempDir({ prefix: "plugd-standby-v2-" });
  try {
    for (const f of ["plugin.yaml", "main.ts"]) {
      const text = await Deno.readTextFile(join(fixture(ID), f));
      await Deno.writeTextFile(join(v2, f), text.replaceAll("1.0.0", "1.1.0"));
    }
    const updated = await call(d, "POST", `/v1/plugins/${ID}/update`, { source: v2 });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    await waitFor(() => !alive(standby.pid), "the old version's standby to exit", WAIT);
    assert.equal((await stoppedCold(d)).version, "1.1.0");
  } finally {
    await Deno.remove(v2, { recursive: true }).catch(() => {});
  }
});

Deno.test("standbys stay within their memory budget", OPTS, async () => {
  // 1 MiB holds no standby at all: the plugin is started cold each time and none is kept.
  await using d = await startDaemon({
    env: {
      PLUGD_IDLE_STOP_MS: "300",
      PLUGD_STANDBY_AFTER_STARTS: "1",
      PLUGD_STANDBY_MEMORY_MB: "1",
    },
  });
  await installProbe(d, fixture(ID));
  await stoppedCold(d);
  await waitFor(
    async () => {
      const logs = (await call(d, "GET", `/v1/plugins/${ID}/logs?limit=200`)).body;
      return JSON.stringify(logs).includes("over the whole standby budget");
    },
    "the standby refused for its size",
    WAIT,
  );
  const a = await stoppedCold(d);
  const b = await stoppedCold(d);
  assert.notEqual(a.boot, b.boot);
  assert.equal((await stats(d)).standby, undefined);
});

Deno.test(
  "without a cgroup quota, a standby burning CPU while it waits is stopped",
  OPTS,
  async () => {
    await using p = await startPlugin(fixture("cpuburn-action"), {
      caps: false,
      // The fixture burns ~90 % of a core; a low bar still trips on a loaded machine.
      cpuBudget: { percent: 10, windowMs: 400 },
      idleStopMs: 300,
      standby: { memoryMb: 1024, afterStarts: 1, windowMs: 600_000 },
    });
    await waitFor(
      async () => {
        if ((await p.stats()).state !== "stopped") return false;
        return await p.emit("burn.ping").then((v) => v === "pong", () => false);
      },
      "an event that starts the plugin on demand",
      WAIT,
    );
    await waitFor(
      () => p.logs.some((l) => /standby process stopped: CPU budget exceeded/.test(l.msg)),
      "the standby's CPU budget to trip",
      WAIT,
    );
    await waitFor(async () => (await p.stats()).standby === undefined, "no standby left", WAIT);
  },
);
