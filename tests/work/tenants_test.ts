/**
 * Tenants with real sandboxed plugins: the routing matrix (a plugin for every tenant, one for
 * acme, one for globex × events for acme, globex and none), per-tenant config and storage
 * isolation, filters, gates and tasks for a tenant, an emitting plugin unable to pick another
 * tenant, and a tenant's removal with its data purged.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestDaemon } from "../helpers/daemon.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import {
  allExecutions,
  installAndEnable,
  type Json,
  OPTS,
  socketJson,
  waitFor,
  workFixture,
} from "./_work.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

/** A copy of the `tenanted` fixture under another id (three plugins, one code). */
async function copyAs(id: string): Promise<string> {
  const dir = join(await moduleTempDir("plugd-tenanted-"), id);
  await Deno.mkdir(dir);
  const src = workFixture("tenanted");
  const yaml = await Deno.readTextFile(join(src, "plugin.yaml"));
  let manifest = yaml.replace("id: tenanted", `id: ${id}`);
  // One processor per task type: only the first copy keeps the task hook.
  if (id !== "t-all") manifest = manifest.replace("  - task: work.job\n", "");
  await Deno.writeTextFile(join(dir, "plugin.yaml"), manifest);
  let code = await Deno.readTextFile(join(src, "main.ts"));
  if (id !== "t-all") code = code.replace(/\n {2}\/\/ task-start[\s\S]*\/\/ task-end\n/, "\n");
  await Deno.writeTextFile(join(dir, "main.ts"), code);
  await Deno.mkdir(join(dir, "migrations"));
  await Deno.copyFile(join(src, "migrations/001_hits.sql"), join(dir, "migrations/001_hits.sql"));
  return dir;
}

const event = (type: string, tenant?: string) => ({
  specversion: "1.0",
  source: "/test",
  type,
  data: {},
  ...(tenant ? { tenant } : {}),
});

async function emitWait(daemon: TestDaemon, type: string, tenant?: string): Promise<Json[]> {
  const r = await socketJson(daemon, "POST", "/v1/events?wait=true", event(type, tenant));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const x of r.body.results) assert.equal(x.status, "ok", JSON.stringify(x));
  return r.body.results;
}

async function ok(daemon: TestDaemon, method: string, path: string, body?: unknown) {
  const r = await socketJson(daemon, method, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

Deno.test(
  "tenants: routing matrix, per-tenant config and storage, spoofing refused, purge",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    const env = { PLUGD_SOCKET: daemon.socketPath };
    // Before the first tenant, `tenant` is an ordinary extension attribute, as it always was.
    const before = await socketJson(daemon, "POST", "/v1/events", event("work.ping", "nobody"));
    assert.equal(before.status, 202, JSON.stringify(before.body));
    // The registry through the CLI.
    for (const t of ["acme", "globex"]) {
      const added = await runPlugd(["tenant", "add", t], env);
      assert.equal(added.code, 0, added.stderr);
    }
    assert.match((await runPlugd(["tenant", "list"], env)).stdout, /acme[\s\S]*globex/);
    const dup = await socketJson(daemon, "POST", "/v1/tenants", { id: "acme" });
    assert.equal(dup.status, 409);
    assert.match(dup.headers.get("content-type") ?? "", /problem\+json/);
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/tenants", { id: "Not Valid" })).status,
      400,
    );

    for (const id of ["t-all", "t-acme", "t-globex"]) {
      await installAndEnable(daemon, await copyAs(id), { greeting: "hi" });
    }
    const acmeOnly = await runPlugd(["plugin", "enable", "t-acme", "--tenant", "acme"], env);
    assert.equal(acmeOnly.code, 0, acmeOnly.stderr);
    assert.match(acmeOnly.stdout, /for tenants acme/);
    const globexOnly = await ok(daemon, "POST", "/v1/plugins/t-globex/enable", {
      tenants: ["globex"],
    });
    assert.deepEqual(globexOnly.tenants, ["globex"]);
    assert.equal((await ok(daemon, "GET", "/v1/plugins/t-all")).tenants, "all");
    const unknownScope = await socketJson(daemon, "POST", "/v1/plugins/t-all/enable", {
      tenants: ["initech"],
    });
    assert.equal(unknownScope.status, 400, JSON.stringify(unknownScope.body));

    // Per-tenant config for t-all: acme gets its own greeting and a secret.
    const set = await runPlugd(
      ["plugin", "config", "t-all", "--tenant", "acme", "greeting=hi acme", "token=s3cret-acme"],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    const shown = await ok(daemon, "GET", "/v1/plugins/t-all/config?tenant=acme");
    assert.equal(shown.overrides.greeting, "hi acme");
    assert.equal(shown.overrides.token, "********");
    assert.equal(shown.config.greeting, "hi acme");
    const bad = await socketJson(daemon, "PUT", "/v1/plugins/t-all/config?tenant=acme", {
      greeting: 7,
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    // The running plugin heard of it in acme's call: onConfigChange(old, new) with ctx.tenant.
    const seen = (tenant: string) => emitWait(daemon, "work.seen", tenant);
    const told = (await seen("acme")).find((r: Json) => r.plugin === "t-all");
    assert.deepEqual(told.result, {
      tenant: "acme",
      change: { tenant: "acme", old: "hi", new: "hi acme", ctx: "hi acme" },
    });
    const notTold = (await seen("globex")).find((r: Json) => r.plugin === "t-all");
    assert.deepEqual(notTold.result, { tenant: "globex", change: null }, "globex was not told");
    await waitFor(async () => {
      const rows = await allExecutions(daemon, "plugin=t-all&kind=lifecycle&tenant=acme");
      return rows.some((x: Json) => x.name === "onConfigChange" && x.status === "ok");
    }, "the record of acme's onConfigChange");

    // The matrix: who gets an event for acme, for globex, for no tenant.
    const byPlugin = (results: Json[]) =>
      Object.fromEntries(results.map((r: Json) => [r.plugin, r.result]));
    const acme = byPlugin(await emitWait(daemon, "work.ping", "acme"));
    assert.deepEqual(Object.keys(acme).sort(), ["t-acme", "t-all"]);
    assert.deepEqual(acme["t-all"], {
      plugin: "t-all",
      tenant: "acme",
      event_tenant: "acme",
      greeting: "hi acme",
      token: "s3cret-acme",
      count: 1,
      db_rows: 1,
    });
    assert.equal(acme["t-acme"].tenant, "acme");
    assert.equal(acme["t-acme"].greeting, "hi", "t-acme has no acme overrides");
    const globex = byPlugin(await emitWait(daemon, "work.ping", "globex"));
    assert.deepEqual(Object.keys(globex).sort(), ["t-all", "t-globex"]);
    assert.equal(globex["t-all"].greeting, "hi", "globex gets the plugin's own config");
    assert.equal(globex["t-all"].token, null);
    assert.equal(globex["t-all"].count, 1, "globex's storage is its own");
    assert.equal(globex["t-all"].db_rows, 1, "and so is its database");
    const none = byPlugin(await emitWait(daemon, "work.ping"));
    assert.deepEqual(Object.keys(none), ["t-all"]);
    assert.equal(none["t-all"].tenant, null);
    assert.equal(none["t-all"].count, 1, "the plugin's own storage is apart from its tenants'");
    assert.equal(none["t-all"].db_rows, 1, "its own database too");
    const again = byPlugin(await emitWait(daemon, "work.ping", "acme"));
    assert.equal(again["t-all"].count, 2);
    assert.equal(again["t-all"].db_rows, 2);
    assert.equal(again["t-acme"].count, 2);

    // An unknown tenant is refused before anything is stored.
    const unknown = await socketJson(daemon, "POST", "/v1/events", event("work.ping", "initech"));
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.detail, /initech.*not a registered tenant.*plugd tenant add/);

    // Filters and gates for a tenant: only its plugins, each with its ctx.tenant and config.
    const shaped = await ok(daemon, "POST", "/v1/filters/work.shape", { data: {}, tenant: "acme" });
    assert.deepEqual(shaped.data.by, ["t-acme:acme:hi", "t-all:acme:hi acme"]);
    const plain = await ok(daemon, "POST", "/v1/filters/work.shape", { data: {} });
    assert.deepEqual(plain.data.by, ["t-all:null:hi"]);
    const gate = await ok(daemon, "POST", "/v1/gates/work.check", { data: {}, tenant: "globex" });
    assert.deepEqual(gate.votes.map((v: Json) => v.reason).sort(), [
      "t-all for globex",
      "t-globex for globex",
    ]);

    // A task for a tenant runs with its ctx.tenant, config and storage.
    const task = await ok(daemon, "POST", "/v1/tasks/work.job?wait=30", {
      input: {},
      tenant: "acme",
    });
    assert.equal(task.status, "succeeded", JSON.stringify(task));
    assert.deepEqual(task.result, { tenant: "acme", greeting: "hi acme", jobs: 1 });
    assert.equal(task.tenant, "acme");
    const badTask = await socketJson(daemon, "POST", "/v1/tasks/work.job", { tenant: "initech" });
    assert.equal(badTask.status, 400);

    // Execution records name the tenant.
    await waitFor(
      async () => (await allExecutions(daemon, "plugin=t-acme&tenant=acme")).length >= 2,
      "t-acme's records for acme",
    );

    // A plugin emits for the tenant it handles; naming another one is refused and audited.
    await ok(daemon, "POST", "/v1/plugins/t-acme/enable", { tenants: ["acme"] });
    await emitWait(daemon, "work.relay", "acme");
    await emitWait(daemon, "work.spoof", "acme");
    await waitFor(async () => {
      const rows = (await ok(daemon, "GET", "/v1/audit?action=plugin.emit.tenant_refused")).rows;
      return rows.length >= 2; // t-all and t-acme both tried
    }, "the refused emits in the audit log");
    const relayed = (await ok(daemon, "GET", "/v1/events?type=relay.*")).events;
    assert.ok(relayed.length >= 2, JSON.stringify(relayed));
    for (const e of relayed) {
      assert.equal(e.type, "relay.done", "no spoofed event was accepted");
      assert.equal(e.tenant, "acme");
    }
    const info = await ok(daemon, "GET", "/v1/plugins/t-acme");
    assert.ok(info.stats.emit_tenant_refused >= 1);
    const logs = await ok(daemon, "GET", "/v1/plugins/t-acme/logs");
    assert.ok(logs.lines.some((l: Json) => /named a tenant other than its call's/.test(l.msg)));

    // A tenant call's ctx kept past the call's end cannot act for the tenant any more.
    await emitWait(daemon, "work.keep", "globex");
    const reuse = byPlugin(await emitWait(daemon, "work.reuse"));
    assert.deepEqual(reuse["t-all"].reuse, ["TenantScopeError", "TenantScopeError"]);

    // Disable for one tenant; removing a tenant with purge takes its data with it.
    await ok(daemon, "POST", "/v1/plugins/t-globex/disable", { tenant: "globex" });
    assert.deepEqual((await ok(daemon, "GET", "/v1/plugins/t-globex")).tenants, []);
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/plugins/t-all/disable", { tenant: "acme" })).status,
      409,
      "a plugin for every tenant cannot be disabled for one",
    );
    const removed = await runPlugd(["tenant", "remove", "acme", "--purge"], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual((await ok(daemon, "GET", "/v1/plugins/t-acme")).tenants, []);
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/events", event("work.ping", "acme"))).status,
      400,
    );
    await ok(daemon, "POST", "/v1/tenants", { id: "acme" });
    const fresh = byPlugin(await emitWait(daemon, "work.ping", "acme"));
    assert.deepEqual(Object.keys(fresh), ["t-all"]);
    assert.equal(fresh["t-all"].count, 1, "acme's storage was purged");
    assert.equal(fresh["t-all"].db_rows, 1, "acme's database was purged");
    assert.equal(fresh["t-all"].greeting, "hi", "acme's overrides were purged");
    const audit = (await ok(daemon, "GET", "/v1/audit?action=tenant.remove")).rows;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].detail.purge, true);
  },
);
