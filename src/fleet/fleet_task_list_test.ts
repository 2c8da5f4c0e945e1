import assert from "node:assert/strict";
import { newEventId } from "../hooks/mod.ts";
import { type FleetTaskSource, listFleetTasks, ulidTime } from "./fleet_task_list.ts";
import type { FleetTaskView } from "./fleet_task_views.ts";

function view(at: number, extra: Partial<FleetTaskView> = {}): FleetTaskView {
  return {
    id: newEventId(at),
    type: "a.work",
    plugin: null,
    tenant: null,
    status: "succeeded",
    priority: 0,
    idempotency_key: null,
    input: { big: true },
    result: { big: true },
    error: null,
    progress: null,
    attempts: [],
    created_at: new Date(at).toISOString(),
    started_at: null,
    finished_at: null,
    next_attempt_at: null,
    scope: "fleet",
    host: "h1",
    accepted_by: "h1",
    ...extra,
  };
}

function source(bucket: FleetTaskView[] | null, waiting: FleetTaskView[] = []) {
  const byId = new Map((bucket ?? []).map((v) => [v.id, v]));
  const reads: string[] = [];
  const s: FleetTaskSource = {
    ids: () => Promise.resolve(bucket ? [...byId.keys()].reverse() : null),
    read: (id) => (reads.push(id), Promise.resolve(byId.get(id) ?? null)),
    waiting: () => Promise.resolve(waiting),
  };
  return { s, reads };
}

// newEventId() is monotonic per process: each test starts later than the previous one's ids.
const T0 = Date.parse("2026-11-30T10:00:00Z");
const T1 = T0 + 3_600_000;
const T2 = T1 + 3_600_000;

Deno.test("ulidTime() reads the time of an id made by newEventId()", () => {
  assert.equal(ulidTime(newEventId(T0)), T0);
  assert.ok(Number.isNaN(ulidTime("not-an-id")));
});

Deno.test("listFleetTasks() pages newest first with the cursor and reads only what a page needs", async () => {
  const all = Array.from({ length: 300 }, (_, i) => view(T0 + i * 1000));
  const { s, reads } = source(all);
  const first = await listFleetTasks(s, { limit: 20 });
  assert.equal(first.reachable, true);
  assert.deepEqual(first.tasks.map((t) => t.id), all.slice(-20).reverse().map((t) => t.id));
  assert.ok(reads.length <= 64, `read ${reads.length} of 300 for one page of 20`);
  assert.equal("input" in first.tasks[0]!, false, "no input in listings");
  assert.equal("result" in first.tasks[0]!, false, "no result in listings");
  const seen = [...first.tasks.map((t) => t.id)];
  let next = first.next;
  while (next) {
    const page = await listFleetTasks(s, { limit: 70, cursor: next });
    seen.push(...page.tasks.map((t) => t.id));
    next = page.next;
  }
  assert.deepEqual(seen, all.map((t) => t.id).reverse(), "every task once, in order");
});

Deno.test("listFleetTasks() filters by type, status and time window", async () => {
  const all = Array.from({ length: 40 }, (_, i) =>
    view(T1 + i * 1000, {
      type: i % 2 ? "a.work" : "b.work",
      status: i % 4 === 0 ? "dead" : "succeeded",
    }));
  const { s } = source(all);
  const dead = await listFleetTasks(s, { status: "dead", type: "b.work" });
  assert.equal(dead.tasks.length, 10);
  assert.ok(dead.tasks.every((t) => t.status === "dead" && t.type === "b.work"));
  const window = await listFleetTasks(s, { since: T1 + 10_000, until: T1 + 15_000 });
  assert.deepEqual(
    window.tasks.map((t) => t.created_at),
    [14, 13, 12, 11, 10].map((i) => new Date(T1 + i * 1000).toISOString()),
  );
  assert.equal(window.next, null);
});

Deno.test("listFleetTasks() lists tasks waiting on this host, and only those when NATS is away", async () => {
  const published = view(T2, { status: "running" });
  const waiting = view(T2 + 5000, { status: "queued", host: null });
  const stale = { ...published, status: "queued" as const }; // not deleted from the outbox yet
  const both = await listFleetTasks(source([published], [stale, waiting]).s, {});
  assert.deepEqual(both.tasks.map((t) => [t.id, t.status]), [
    [waiting.id, "queued"],
    [published.id, "running"],
  ]);
  const away = await listFleetTasks(source(null, [waiting]).s, {});
  assert.equal(away.reachable, false);
  assert.deepEqual(away.tasks.map((t) => t.id), [waiting.id]);
});

Deno.test("listFleetTasks() refuses a cursor it did not give", async () => {
  await assert.rejects(listFleetTasks(source([]).s, { cursor: "x" }), RangeError);
});
