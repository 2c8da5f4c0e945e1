import assert from "node:assert/strict";
import { KnownQueue, type KnownTask, MAX_KNOWN_TASKS } from "./known_queue.ts";
import { TaskLane } from "./task_lane.ts";

const task = (id: string, priority = 0, createdAt = 1): KnownTask => ({
  id,
  tenant: null,
  input: "{}",
  priority,
  createdAt,
});

/** A list made complete by a claim that took nothing. */
function completeQueue(): KnownQueue {
  const q = new KnownQueue();
  q.claimBegins();
  q.claimEnds([]);
  return q;
}

Deno.test("KnownQueue keeps nothing until complete, then hands tasks out in claim order", () => {
  const incomplete = new KnownQueue();
  incomplete.inserting();
  incomplete.inserted(task("before"));
  assert.equal(incomplete.size, 0, "an incomplete list does not pretend to know the queue");
  const q = completeQueue();
  for (const t of [task("a", 0, 1), task("b", 0, 2), task("urgent", 5, 3), task("c", 0, 2)]) {
    q.inserting();
    q.inserted(t); // c: same priority and time as b, after it (insert order)
  }
  q.add(task("older", 0, 0));
  assert.deepEqual(q.take(2).map((t) => t.id), ["urgent", "older"]);
  assert.deepEqual(q.take(10).map((t) => t.id), ["a", "b", "c"]);
  assert.equal(q.size, 0);
});

Deno.test("KnownQueue: the claim that completes it adds what was inserted meanwhile and not taken", () => {
  const q = new KnownQueue();
  q.inserting(); // x: in flight when the claim reads (the claim may see it or not)
  q.inserting(); // y: likewise
  q.claimBegins();
  q.inserting();
  q.inserted(task("z")); // committed while the claim ran; the claim did not take it
  q.claimEnds(["x"]); // the claim saw x (committed before its read) and took it
  q.inserted(task("x")); // its insert ends after: not added again
  q.inserted(task("y"));
  assert.deepEqual(q.take(10).map((t) => t.id).sort(), ["y", "z"]);
  q.inserting();
  q.inserted(task("x2"));
  assert.equal(q.size, 1);

  const full = new KnownQueue();
  full.claimBegins();
  full.inserting();
  full.inserted(task("w"));
  full.claimEnds(null); // the claim took as many as it asked for: the table may hold more
  assert.equal(full.complete, false);
  assert.equal(full.size, 0);
});

Deno.test("KnownQueue: a cancelled task leaves it; drop() forgets all and makes it incomplete", () => {
  const q = completeQueue();
  q.add(task("a"));
  q.add(task("b"));
  assert.equal(q.remove("a"), true);
  assert.equal(q.remove("a"), false);
  assert.deepEqual(q.take(5).map((t) => t.id), ["b"]);
  q.add(task("c"));
  q.drop();
  assert.equal(q.complete, false);
  assert.equal(q.size, 0);

  const reading = new KnownQueue(); // cancelled while a claim reads: not added at its end
  reading.claimBegins();
  reading.inserting();
  reading.inserted(task("gone"));
  reading.remove("gone");
  reading.claimEnds([]);
  assert.equal(reading.size, 0);
});

Deno.test("KnownQueue: past its bound it drops the list (claims read the table again)", () => {
  const q = completeQueue();
  for (let i = 0; i < MAX_KNOWN_TASKS; i++) q.add(task(`t${i}`, 0, i));
  assert.equal(q.complete, true);
  q.add(task("one too many"));
  assert.equal(q.complete, false);
  assert.equal(q.size, 0);
});

Deno.test("TaskLane: a delayed task (a retry, a released claim) drops the known queue", () => {
  const lane = new TaskLane();
  lane.known.claimBegins();
  lane.known.claimEnds([]);
  lane.known.add(task("a"));
  lane.delayed();
  assert.equal(lane.known.complete, false);
  assert.equal(lane.known.size, 0);
});

Deno.test("KnownQueue on a database other hosts share never becomes complete", () => {
  const shared = new KnownQueue(false);
  shared.claimBegins();
  shared.claimEnds([]); // a claim that found the table empty: another host may insert meanwhile
  assert.equal(shared.complete, false);
  shared.inserting();
  shared.inserted(task("mine"));
  assert.equal(shared.size, 0, "claims keep reading the table");
  assert.equal(new TaskLane(false).known.complete, false);
});

Deno.test("KnownQueue: a task an earlier completion took is still skipped after a drop and a new completion", () => {
  const q = new KnownQueue();
  q.inserting(); // x: committed, seen and taken by the claim below, its insert not yet ended
  q.claimBegins();
  q.claimEnds(["x"]);
  q.drop(); // e.g. a retry was committed
  q.claimBegins();
  q.claimEnds(["y"]); // a second completion, while x's insert still has not ended
  q.inserted(task("x"));
  assert.equal(q.size, 0, "x runs already: kept, a claim would start it a second time");
});

Deno.test("KnownQueue: past its bound while a completion adds, none of the rest is kept", () => {
  const q = new KnownQueue();
  q.claimBegins();
  for (let i = 0; i < MAX_KNOWN_TASKS + 2; i++) {
    q.inserting();
    q.inserted(task(`t${i}`, 0, i)); // committed while the claim read: added at its end
  }
  q.claimEnds([]);
  assert.equal(q.complete, false);
  assert.equal(q.size, 0, "a dropped list holds nothing a later completion could trust");
});
