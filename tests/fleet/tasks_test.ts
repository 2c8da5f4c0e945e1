/**
 * Tasks across hosts with a real `nats-server -js` and real daemons: a `fleet: true` task type
 * processed on h1 and h2 is accepted by any host (h3 has no processor), each task is taken by
 * exactly one host, its status and result read the same from every host, idempotency keys hold
 * across hosts, a cancel reaches the host that runs the task, a host killed with SIGKILL mid-task
 * lets the other take it after the ack wait; and with NATS stopped mid-task and restarted, the
 * running task and one accepted during the outage both complete. `GET /v1/tasks` on any host
 * lists the fleet's tasks beside its own (during an outage, those waiting on it, with a warning).
 */
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";
import { runPlugdInProcess } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { installAndEnable } from "../surfaces/_surfaces.ts";
import { type FleetHost, type Json, startFleet, waitForMembers } from "./_fleet.ts";

const FIXTURE = new URL("../fixtures/fleet/fleet-tasker", import.meta.url).pathname;
/**
 * A short ack wait, so a dead host's task is taken again within seconds, yet long enough that a
 * loaded machine never lets it run out under a live host (which says "in progress" every third).
 */
const ENV = { PLUGD_FLEET_TASK_ACK_WAIT_MS: "8000", PLUGD_TASK_RETRY_BASE_MS: "50" };
const OPTS = { sanitizeOps: false, sanitizeResources: false };

async function submit(host: FleetHost, body: Json): Promise<{ status: number; body: Json }> {
  return await host.call("POST", "/v1/tasks/fleet.work", body);
}

async function taskOn(host: FleetHost, id: string, wait = 0): Promise<Json> {
  const r = await host.call("GET", `/v1/tasks/${id}?wait=${wait}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Waits until `host` reports task `id` in a state `ok` accepts. */
async function until(host: FleetHost, id: string, ok: (t: Json) => boolean, what: string) {
  return await waitFor(
    async () => {
      const r = await host.call("GET", `/v1/tasks/${id}`);
      return r.status === 200 && ok(r.body) ? r.body : null;
    },
    `${id} ${what} (seen from ${host.id})`,
    120_000,
  );
}

/** Every task `GET /v1/tasks<query>` lists on `host`, following `next` page by page. */
async function listAll(host: FleetHost, query: string): Promise<Json[]> {
  const tasks: Json[] = [];
  let cursor = "";
  do {
    const r = await host.call("GET", `/v1/tasks${query}${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.warning, undefined);
    tasks.push(...r.body.tasks);
    cursor = r.body.next ?? "";
  } while (cursor);
  return tasks;
}

/** Execution records of task `id` on one daemon. */
async function runsOn(daemon: TestDaemon, id: string): Promise<number> {
  const res = await daemon.fetch(`/v1/executions?task=${id}&limit=50`);
  const body = await res.json();
  return body.executions.length;
}

Deno.test(
  "fleet tasks: one host per task, visible everywhere, keys, cancel, re-taken after kill -9",
  OPTS,
  async () => {
    await using fleet = await startFleet([
      { id: "h1", labels: {} },
      { id: "h2", labels: {} },
      { id: "h3", labels: {} },
    ], { env: ENV });
    const [h1, h2, h3] = fleet.hosts as [FleetHost, FleetHost, FleetHost];
    await waitForMembers(fleet, ["h1", "h2", "h3"]);
    await installAndEnable(h1.daemon, FIXTURE);
    await installAndEnable(h2.daemon, FIXTURE);
    // h3 has no processor: it learns from the others' heartbeats that the fleet takes the type.
    const first = await waitFor(
      async () => {
        const r = await submit(h3, { input: { ms: 200 } });
        return r.status === 202 ? r : null;
      },
      "h3 to accept a fleet task",
      60_000,
    );
    assert.equal(first.body.duplicate, false);

    // Twelve tasks from every host: each succeeds once, on h1 or h2, and reads the same everywhere.
    const ids: string[] = [first.body.id];
    for (let i = 0; i < 11; i++) {
      const r = await submit(fleet.hosts[i % 3]!, { input: { ms: 300, n: i } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    const ranOn = new Set<string>();
    for (const id of ids) {
      const done = await taskOn(h3, id, 120);
      assert.equal(done.status, "succeeded", JSON.stringify(done));
      assert.equal(done.scope, "fleet");
      assert.ok(["h1", "h2"].includes(done.host), `ran on ${done.host}`);
      assert.deepEqual(done.attempts.map((a: Json) => a.status), ["ok"]);
      assert.equal(done.plugin, "fleet-tasker");
      assert.deepEqual(await taskOn(h1, id), done, "every host reads the same task");
      ranOn.add(done.host);
    }
    for (const id of ids) {
      const counts = await waitFor(async () => {
        const c = [await runsOn(h1.daemon, id), await runsOn(h2.daemon, id)];
        return c[0]! + c[1]! > 0 ? c : null;
      }, `execution record of ${id}`);
      assert.equal(counts[0]! + counts[1]!, 1, `task ${id} ran exactly once: ${counts}`);
    }
    assert.equal(await runsOn(h3.daemon, ids[0]!), 0, "h3 runs no fleet task");

    // Every host lists the fleet's tasks: h3 (no local task at all) pages through all twelve.
    const listed = await listAll(h3, "?scope=fleet&type=fleet.work&status=succeeded&limit=5");
    assert.deepEqual(listed.map((t) => t.id).sort(), [...ids].sort());
    const order = listed.map((t) => `${Date.parse(t.created_at)}.${t.id}`);
    assert.deepEqual(order, [...order].sort().reverse(), "newest first");
    for (const t of listed) {
      assert.equal(t.scope, "fleet");
      assert.ok(["h1", "h2"].includes(t.host));
      assert.equal(t.input, undefined, "listings carry no input");
    }
    const mixed = await listAll(h1, "?limit=500");
    assert.ok(ids.every((id) => mixed.some((t) => t.id === id)), "in the default listing too");
    assert.deepEqual((await h3.call("GET", "/v1/tasks?scope=local")).body.tasks, []);
    assert.deepEqual((await h3.call("GET", "/v1/tasks?status=queued")).body.tasks, []);
    assert.equal((await h3.call("GET", "/v1/tasks?scope=elsewhere")).status, 400);
    const cli = await runPlugdInProcess([
      "task",
      "list",
      "--scope",
      "fleet",
      "--url",
      h3.daemon.baseUrl,
      "--token",
      h3.daemon.token,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /WHERE/);
    assert.match(cli.stdout, new RegExp(`${ids[0]}\\s.*fleet \\(h[12]\\)\\s+succeeded`));

    // Retries carry over: two failed attempts, then success.
    const flaky = (await submit(h1, { input: { fail_until: 3 } })).body.id;
    const flakyDone = await taskOn(h2, flaky, 120);
    assert.equal(flakyDone.status, "succeeded");
    assert.deepEqual(flakyDone.attempts.map((a: Json) => a.status), ["error", "error", "ok"]);

    // An idempotency key names one task across hosts.
    const keyed = await submit(h1, { input: {}, idempotency_key: "job-1" });
    assert.equal(keyed.status, 202);
    const again = await submit(h2, { input: {}, idempotency_key: "job-1" });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { id: keyed.body.id, duplicate: true });

    // A cancel asked on h3 reaches the host that runs the task.
    const long = (await submit(h3, { input: { ms: 600_000 } })).body.id;
    const running = await until(h3, long, (t) => t.status === "running" && t.progress, "running");
    const cancelled = await h3.call("POST", `/v1/tasks/${long}/cancel`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const afterCancel = await until(h1, long, (t) => t.status === "cancelled", "cancelled");
    assert.equal(afterCancel.host, running.host);
    assert.equal((await h2.call("POST", `/v1/tasks/${long}/cancel`)).status, 409);

    // kill -9 of the host running a task: the other takes it after the ack wait.
    const victimTask = (await submit(h3, { input: { ms: 600_000, quick_from: 2 } })).body.id;
    const taken = await until(h3, victimTask, (t) => t.status === "running", "running");
    const victim = fleet.hosts.find((h) => h.id === taken.host)!;
    const survivor = victim === h1 ? h2 : h1;
    await victim.daemon.kill();
    const retaken = await until(h3, victimTask, (t) => t.status === "succeeded", "succeeded");
    assert.equal(retaken.host, survivor.id);
    assert.deepEqual(retaken.attempts.map((a: Json) => a.status), ["interrupted", "ok"]);
    assert.match(retaken.attempts[0].error, new RegExp(`host ${victim.id} stopped`));
    assert.equal(retaken.result.attempt, 2);
  },
);

Deno.test(
  "fleet tasks: NATS stopped mid-task and restarted, the task and one accepted meanwhile complete",
  OPTS,
  async () => {
    await using fleet = await startFleet([
      { id: "h1", labels: {} },
      { id: "h2", labels: {} },
    ], { env: ENV });
    const [h1, h2] = fleet.hosts as [FleetHost, FleetHost];
    await waitForMembers(fleet, ["h1", "h2"]);
    await installAndEnable(h1.daemon, FIXTURE);
    await waitFor(async () => {
      const { body } = await h2.call("GET", "/v1/fleet/status");
      return body.hosts.some((h: Json) => h.id === "h1" && h.tasks.includes("fleet.work"));
    }, "h2 to know that h1 takes fleet.work");
    const running = (await submit(h1, { input: { ms: 8000 } })).body.id;
    await until(h1, running, (t) => t.status === "running", "running");

    await fleet.nats.stop();
    await waitFor(async () => {
      const r = await h2.call("GET", "/v1/health");
      return r.body.fleet === "disconnected";
    }, "h2 to see NATS gone");
    // h2 knows the type from h1's heartbeat; the task waits in its outbox.
    const during = await submit(h2, { input: { ms: 100 } });
    assert.equal(during.status, 202, JSON.stringify(during.body));
    const waiting = await taskOn(h2, during.body.id);
    assert.equal(waiting.status, "queued");
    assert.equal(waiting.accepted_by, "h2");
    // The listing still shows the task waiting here, and says the rest cannot be read.
    const away = await h2.call("GET", "/v1/tasks");
    assert.equal(away.status, 200, JSON.stringify(away.body));
    assert.deepEqual(away.body.tasks.map((t: Json) => t.id), [during.body.id]);
    assert.match(away.body.warning, /NATS is unreachable/);

    await fleet.nats.restart();
    for (const id of [running, during.body.id]) {
      const done = await until(h2, id, (t) => t.status === "succeeded", "succeeded");
      assert.equal(done.host, "h1");
    }
    const first = await taskOn(h2, running);
    assert.deepEqual(first.attempts.map((a: Json) => a.status), ["ok"], "run once, not again");
  },
);
