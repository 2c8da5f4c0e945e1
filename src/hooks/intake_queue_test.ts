import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { IntakeQueue } from "./intake_queue.ts";
import type { CloudEvent } from "./types.ts";

function event(id: string): CloudEvent {
  return {
    specversion: "1.0",
    id,
    source: "/t",
    type: "a.b",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: null,
  };
}

/** Fails instead of hanging when `promise` never settles (the bug this file proves gone). */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) =>
    timer = setTimeout(() => reject(new Error(`${what} never settled: a lost wake-up`)), ms)
  );
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

Deno.test("IntakeQueue: a submit made as the previous one resolves is committed (issue 22, finding 10)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const accepted: string[] = [];
  const queue = new IntakeQueue(store, {
    onCommitted: (batch) => accepted.push(...batch.map((a) => a.event.id)),
  });
  // One request after another, each submitted the moment the previous one resolves: the next
  // lands right after the flush loop found its queue empty, before the flush marked itself done.
  const chain = (i: number): Promise<unknown> =>
    queue.submit(event(`e${i}`), []).then(() => i < 19 ? chain(i + 1) : undefined);
  await within(chain(0), "a chain of 20 submits");
  assert.equal(accepted.length, 20);
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IntakeQueue: a named id is looked up (a duplicate); a generated one is not, and a clash is refused, never stored twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const queue = new IntakeQueue(store, { onCommitted: () => {} });
  assert.deepEqual(await queue.submit(event("x1"), [], undefined, true), { duplicate: false });
  assert.deepEqual(await queue.submit(event("x1"), []), { duplicate: true });
  // A generated id is trusted to be new; were it not, the primary key refuses it.
  await assert.rejects(queue.submit(event("x1"), [], undefined, true));
  const rs = await store.execute("SELECT COUNT(*) AS n FROM events WHERE id = 'x1'");
  assert.equal(Number(rs.rows[0]!.n), 1);
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IntakeQueue.submitMany(): a group is never split across batches, and commits all or none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const batches: string[][] = [];
  const queue = new IntakeQueue(store, {
    maxBatch: 3,
    onCommitted: (batch) => batches.push(batch.map((a) => a.event.id)),
  });
  const single = queue.submit(event("s1"), []);
  const group = queue.submitMany(["g1", "g2", "g3", "g4"].map((id) => ({
    event: event(id),
    subscribers: [],
  })));
  assert.deepEqual(await group, Array(4).fill({ duplicate: false }));
  await single;
  assert.deepEqual(batches, [["s1", "g1", "g2", "g3", "g4"]], "cut after g2 would split the group");
  // One event of a group clashes with a stored one on a generated id: none of the group is stored.
  await assert.rejects(queue.submitMany([
    { event: event("n1"), subscribers: [], idGenerated: true },
    { event: event("s1"), subscribers: [], idGenerated: true },
  ]));
  const rs = await store.execute("SELECT COUNT(*) AS n FROM events WHERE id = 'n1'");
  assert.equal(Number(rs.rows[0]!.n), 0);
  // Named ids: a duplicate inside the group and one already stored are reported, not stored again.
  assert.deepEqual(
    await queue.submitMany(["d1", "d1", "g1"].map((id) => ({ event: event(id), subscribers: [] }))),
    [{ duplicate: false }, { duplicate: true }, { duplicate: true }],
  );
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IntakeQueue: a lone emitter's event commits at once; a burst after it still shares commits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const batches: string[][] = [];
  const queue = new IntakeQueue(store, {
    onCommitted: (batch) => batches.push(batch.map((a) => a.event.id)),
  });
  // One after another: each its own batch (nothing to wait for).
  for (const id of ["s1", "s2"]) await queue.submit(event(id), []);
  // Ten at once after them: the first goes out at once, the other nine queue behind its commit.
  const burst = (prefix: string) =>
    Promise.all(Array.from({ length: 10 }, (_, i) => queue.submit(event(`${prefix}${i}`), [])));
  await burst("a");
  // Ten more: the last flush saw concurrent emitters, so it yields a turn and takes all ten.
  await burst("b");
  assert.deepEqual(batches, [
    ["s1"],
    ["s2"],
    ["a0"],
    ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"],
    ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"],
  ]);
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IntakeQueue: the next batch goes to the store before the previous one's emitters are answered", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const order: string[] = [];
  const submit = (id: string) =>
    queue.submit(event(id), []).then(() => void order.push(`answered ${id}`));
  let second: Promise<unknown> = Promise.resolve();
  const queue: IntakeQueue = new IntakeQueue(store, {
    outboxStatements: (e) => {
      order.push(`built ${e.id}`);
      return Promise.resolve([]);
    },
    // While the first batch is committed, two more arrive: the second batch.
    onCommitted: (batch) => {
      if (batch[0]!.event.id === "a1") second = Promise.all([submit("b1"), submit("b2")]);
    },
  });
  await Promise.all([submit("a1"), submit("a2")]);
  await second;
  assert.deepEqual(order, [
    "built a1",
    "built a2",
    "built b1",
    "built b2",
    "answered a1",
    "answered a2",
    "answered b1",
    "answered b2",
  ]);
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IntakeQueue: a failed batch fails its own emitters only, the next one still commits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  let second: Promise<PromiseSettledResult<unknown>[]> = Promise.resolve([]);
  let third: Promise<unknown> = Promise.resolve();
  const queue: IntakeQueue = new IntakeQueue(store, {
    // The third batch's event comes while the second batch is built (so after it was cut).
    outboxStatements: (e) => {
      if (e.id !== "bad") return Promise.resolve([]);
      third = queue.submit(event("c1"), []);
      return Promise.reject(new Error("outbox refused"));
    },
    // While the first batch is committed, the one that fails is queued.
    onCommitted: (batch) => {
      if (batch[0]!.event.id !== "a1") return;
      second = Promise.allSettled([queue.submit(event("bad"), []), queue.submit(event("ok"), [])]);
    },
  });
  await queue.submit(event("a1"), []);
  const settled = await second;
  assert.deepEqual(settled.map((s) => s.status), ["rejected", "rejected"]);
  assert.deepEqual(await third, { duplicate: false });
  await queue.drain();
  const rs = await store.execute("SELECT id FROM events ORDER BY id");
  assert.deepEqual(rs.rows.map((r) => String(r.id)), ["a1", "c1"]);
  await Deno.remove(dir, { recursive: true });
});
