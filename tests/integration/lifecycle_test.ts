import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";

const FIXTURES = new URL("../fixtures/lifecycle/", import.meta.url).pathname;
const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: text ? JSON.parse(text) : null,
  };
}

async function installCounter(d: TestDaemon, dir = "counter-v1") {
  return await call(d, "POST", "/v1/plugins", { source: join(FIXTURES, dir) });
}

Deno.test("install answers 201 with requested permissions and risks; enable needs a grant", async () => {
  await using d = await startDaemon();
  const install = await installCounter(d);
  assert.equal(install.status, 201, JSON.stringify(install.body));
  assert.equal(install.body.id, "counter");
  assert.deepEqual(install.body.requested, { write: ["$DATA"] });
  assert.equal(install.body.risks[0].level, "medium");

  const again = await installCounter(d);
  assert.equal(again.status, 409);
  assert.match(again.body.detail, /already installed/);

  const early = await call(d, "POST", "/v1/plugins/counter/enable");
  assert.equal(early.status, 409);
  assert.equal(early.type, "application/problem+json");
  assert.match(early.body.detail, /plugd plugin grant counter/);

  const wrong = await call(d, "POST", "/v1/plugins/counter/grant", {
    permissions: { write: ["$DATA"], net: ["example.com"] },
  });
  assert.equal(wrong.status, 409);
  assert.match(wrong.body.detail, /net/);

  const grant = await call(d, "POST", "/v1/plugins/counter/grant", {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200);
  const enabled = await call(d, "POST", "/v1/plugins/counter/enable");
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
  assert.equal(enabled.body.state, "enabled");
  assert.equal(enabled.body.stats.state, "running");
  assert.ok(enabled.body.stats.pid > 0);

  const view = await call(d, "GET", "/v1/plugins/counter");
  for (const key of ["id", "version", "state", "manifest", "permissions", "health", "stats"]) {
    assert.ok(key in view.body, `view has ${key}`);
  }
  assert.deepEqual(view.body.permissions.granted, { write: ["$DATA"] });

  const logs = (await call(d, "GET", "/v1/plugins/counter/logs")).body.lines;
  assert.equal(logs.filter((l: { msg: string }) => l.msg === "installed hook ran").length, 1);

  const scrape = await (await d.fetch("/metrics")).text();
  assert.match(scrape, /plugd_plugin_state\{plugin="counter",state="running"\} 1/);
  assert.match(scrape, /plugd_plugin_rss_bytes\{plugin="counter"\} [1-9]\d*/);

  const disabled = await call(d, "POST", "/v1/plugins/counter/disable");
  assert.equal(disabled.body.state, "disabled");
  assert.equal(disabled.body.stats.state, "stopped");

  const audit = await call(d, "GET", "/v1/plugins");
  assert.equal(audit.body.plugins[0].state, "disabled");
  assert.equal((await call(d, "POST", "/v1/plugins/counter/enable")).status, 200);
  const later = (await call(d, "GET", "/v1/plugins/counter/logs")).body.lines;
  assert.equal(
    later.filter((l: { msg: string }) => l.msg === "installed hook ran").length,
    1,
    "once",
  );
});

Deno.test("config is validated, secrets are redacted, unknown plugins are 404", async () => {
  await using d = await startDaemon();
  await installCounter(d);
  const bad = await call(d, "PUT", "/v1/plugins/counter/config", {
    config: { level: "loud", nope: 1 },
  });
  assert.equal(bad.status, 422);
  const fields = bad.body.problems.map((p: { field: string }) => p.field).sort();
  assert.deepEqual(fields, ["/level", "/nope"]);

  const ok = await call(d, "PUT", "/v1/plugins/counter/config", {
    config: { token: "canary-secret-4711", label: "seen" },
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.config.token, "********");
  assert.equal(ok.body.config.label, "seen");
  assert.equal(ok.body.config.level, "info", "defaults applied");
  const read = await call(d, "GET", "/v1/plugins/counter/config");
  assert.equal(read.body.config.token, "********");

  const db = await Deno.readFile(join(d.stateDir, "plugd.db-wal")).catch(() => new Uint8Array());
  const main = await Deno.readFile(join(d.stateDir, "plugd.db"));
  for (const bytes of [db, main]) {
    assert.ok(
      !new TextDecoder().decode(bytes).includes("canary-secret-4711"),
      "secret not in clear",
    );
  }
  // The canary is nowhere else either: audit log, daemon log, plugin log, any listing.
  const enableWithSecret = await call(d, "POST", "/v1/plugins/counter/grant", {
    permissions: { write: ["$DATA"] },
  });
  assert.equal(enableWithSecret.status, 200);
  assert.equal((await call(d, "POST", "/v1/plugins/counter/enable")).status, 200);
  const sweep = [
    JSON.stringify((await call(d, "GET", "/v1/audit?limit=1000")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins/counter")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins/counter/logs")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins")).body),
    d.log(),
  ];
  for (const text of sweep) assert.ok(!text.includes("canary-secret-4711"), text.slice(0, 300));
  const missing = await call(d, "GET", "/v1/plugins/nope");
  assert.equal(missing.status, 404);
  assert.match(missing.body.detail, /not installed/);
});

Deno.test("update to a version that fails to start rolls back to the previous one", async () => {
  await using d = await startDaemon();
  const install = await installCounter(d);
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: install.body.requested });
  assert.equal((await call(d, "POST", "/v1/plugins/counter/enable")).status, 200);

  const minor = await call(d, "POST", "/v1/plugins/counter/update", {
    source: join(FIXTURES, "counter-v2"),
  });
  assert.equal(minor.status, 200, JSON.stringify(minor.body));
  assert.equal(minor.body.version, "1.1.0");
  assert.equal(minor.body.state, "enabled");
  const logs = (await call(d, "GET", "/v1/plugins/counter/logs")).body.lines;
  assert.ok(
    logs.some((l: { msg: string }) => l.msg === "updated from 1.0.0 to 1.1.0"),
    "onUpdate ran",
  );

  const broken = await call(d, "POST", "/v1/plugins/counter/update", {
    source: join(FIXTURES, "counter-broken"),
  });
  assert.equal(broken.status, 409);
  assert.match(broken.body.detail, /restored/);
  const after = await call(d, "GET", "/v1/plugins/counter");
  assert.equal(after.body.version, "1.1.0");
  assert.equal(after.body.state, "enabled");
  assert.equal(after.body.stats.state, "running");

  const wide = await call(d, "POST", "/v1/plugins/counter/update", {
    source: join(FIXTURES, "counter-wide"),
  });
  assert.equal(wide.status, 200, JSON.stringify(wide.body));
  assert.equal(wide.body.awaiting_grant, true);
  assert.match(wide.body.permissions_diff, /api\.example\.com/);
  // It waits for a grant while the running version keeps running.
  assert.equal(wide.body.version, "1.1.0");
  assert.equal(wide.body.state, "enabled");
  assert.equal(wide.body.pending_update.to, "3.0.0");
});

Deno.test("remove keeps $DATA unless purge=true", async () => {
  await using d = await startDaemon();
  const install = await installCounter(d);
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: install.body.requested });
  await call(d, "POST", "/v1/plugins/counter/enable");
  const data = join(d.stateDir, "data", "counter");
  await Deno.stat(data);
  assert.equal((await call(d, "DELETE", "/v1/plugins/counter")).status, 200);
  await Deno.stat(data); // kept
  await installCounter(d);
  assert.equal((await call(d, "DELETE", "/v1/plugins/counter?purge=true")).status, 200);
  await assert.rejects(() => Deno.stat(data), Deno.errors.NotFound);
  assert.equal((await call(d, "GET", "/v1/plugins/counter")).status, 404);
});

Deno.test("outside dev mode a plain folder is refused with the way out", async () => {
  await using d = await startDaemon({ args: [] });
  const res = await d.fetch("/v1/plugins", json({ source: join(FIXTURES, "counter-v1") }));
  assert.equal(res.status, 409);
  assert.match((await res.json()).detail, /dev mode.*--sign|sign.*--dev/s);
});

Deno.test("Prefer: respond-async turns an install into a job with progress", async () => {
  await using d = await startDaemon();
  const res = await d.fetchSocket("/v1/plugins", {
    method: "POST",
    headers: { "content-type": "application/json", prefer: "respond-async" },
    body: JSON.stringify({ source: join(FIXTURES, "counter-v1") }),
  });
  assert.equal(res.status, 202);
  const job = await res.json();
  assert.equal(res.headers.get("location"), `/v1/jobs/${job.id}`);
  const settled = async (id: string) =>
    await waitFor(async () => {
      const j = await (await d.fetchSocket(`/v1/jobs/${id}`)).json();
      return j.state === "running" ? null : j;
    }, `job ${id} to settle`);
  const current = await settled(job.id);
  assert.equal(current.state, "succeeded", JSON.stringify(current));
  assert.equal(current.result.id, "counter");
  assert.ok(current.progress.length >= 2);

  const dup = await d.fetchSocket("/v1/plugins", {
    method: "POST",
    headers: { "content-type": "application/json", prefer: "respond-async" },
    body: JSON.stringify({ source: join(FIXTURES, "counter-v1") }),
  });
  const failed = await settled((await dup.json()).id);
  assert.equal(failed.state, "failed");
  assert.equal(failed.error.status, 409);
});

Deno.test("dev mode: editing the source folder reinstalls and restarts the plugin", async () => {
  const src = await Deno.makeTempDir({ prefix: "plugd-src-" });
  // Declared before the daemon, so removed after it stopped watching the folder.
  await using _src = { [Symbol.asyncDispose]: () => Deno.remove(src, { recursive: true }) };
  await using d = await startDaemon();
  for (const f of ["plugin.yaml", "main.ts"]) {
    await Deno.copyFile(join(FIXTURES, "counter-v1", f), join(src, f));
  }
  const install = await call(d, "POST", "/v1/plugins", { source: src });
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: install.body.requested });
  const first = await call(d, "POST", "/v1/plugins/counter/enable");
  const firstPid = first.body.stats.pid;
  await Deno.writeTextFile(join(src, "main.ts"), "\n// edited\n", { append: true });
  const view = await waitFor(async () => {
    const v = (await call(d, "GET", "/v1/plugins/counter")).body;
    const reloaded = v.digest !== first.body.digest && v.stats.pid && v.stats.pid !== firstPid;
    return reloaded ? v : null;
  }, "the reload to be visible");
  assert.equal(view.state, "enabled");
  assert.equal(view.stats.state, "running");
  const logs = (await call(d, "GET", "/v1/plugins/counter/logs")).body.lines;
  assert.ok(logs.some((l: { msg: string }) => l.msg.includes("reinstalled")));
});

Deno.test("on-demand plugins: stopped when idle, started again by the next event", async () => {
  await using d = await startDaemon({ env: { PLUGD_IDLE_STOP_MS: "300" } });
  const install = await call(d, "POST", "/v1/plugins", { source: join(FIXTURES, "counter-v1") });
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: install.body.requested });
  assert.equal((await call(d, "POST", "/v1/plugins/counter/enable")).body.stats.state, "running");
  const view = await waitFor(async () => {
    const v = (await call(d, "GET", "/v1/plugins/counter")).body;
    return v.stats.state === "stopped" ? v : null;
  }, "the idle stop");
  assert.equal(view.state, "enabled", "still enabled while its process is stopped");
  const event = { specversion: "1.0", id: "idle-1", source: "/test", type: "count.hit", data: {} };
  const res = await d.fetch("/v1/events?wait=true", json(event));
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.results[0].status, "ok");
  assert.equal(body.results[0].result.n, 1);
});
