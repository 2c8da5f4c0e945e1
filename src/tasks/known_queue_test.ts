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

Deno.test("KnownQueue keeps nothing until complete, then hands tasks out in claim order", () => {
  const q = new KnownQueue();
  q.add(task("before"));
  assert.equal(q.size, 0, "an incomplete list does not pretend to know the queue");
  q.markComplete();
  q.add(task("a", 0, 1));
  q.add(task("b", 0, 2));
  q.add(task("urgent", 5, 3));
  q.add(task("c", 0, 2)); // same priority and time as b: after it (insert order)
  q.add(task("older", 0, 0));
  assert.deepEqual(q.take(2).map((t) => t.id), ["urgent", "older"]);
  assert.deepEqual(q.take(10).map((t) => t.id), ["a", "b", "c"]);
  assert.equal(q.size, 0);
});

Deno.test("KnownQueue: a cancelled task leaves it; drop() forgets all and makes it incomplete", () => {
  const q = new KnownQueue();
  q.markComplete();
  q.add(task("a"));
  q.add(task("b"));
  assert.equal(q.remove("a"), true);
  assert.equal(q.remove("a"), false);
  assert.deepEqual(q.take(5).map((t) => t.id), ["b"]);
  q.add(task("c"));
  q.drop();
  assert.equal(q.complete, false);
  assert.equal(q.size, 0);
});

Deno.test("KnownQueue: past its bound it drops the list (claims read the table again)", () => {
  const q = new KnownQueue();
  q.markComplete();
  for (let i = 0; i < MAX_KNOWN_TASKS; i++) q.add(task(`t${i}`, 0, i));
  assert.equal(q.complete, true);
  q.add(task("one too many"));
  assert.equal(q.complete, false);
  assert.equal(q.size, 0);
});

Deno.test("TaskLane: a claim that found the queue empty completes `known` only with no insert in between", () => {
  const settled = () => {
    const lane = new TaskLane();
    lane.settle(lane.mayHaveDelayed()!); // no delayed task can wait
    return lane;
  };
  const inFlight = settled();
  inFlight.inserting(); // not yet visible to the claim
  inFlight.foundEmpty(inFlight.claimMark());
  assert.equal(inFlight.known.complete, false);

  const meanwhile = settled();
  const mark = meanwhile.claimMark();
  meanwhile.inserting(); // began while the claim read
  meanwhile.inserted();
  meanwhile.foundEmpty(mark);
  assert.equal(meanwhile.known.complete, false);

  const delayed = new TaskLane(); // delayed tasks may wait: the table holds them
  delayed.foundEmpty(delayed.claimMark());
  assert.equal(delayed.known.complete, false);

  const quiet = settled();
  quiet.foundEmpty(quiet.claimMark());
  assert.equal(quiet.known.complete, true);
  quiet.known.add(task("a"));
  quiet.delayed(); // a retry is queued in the table only
  assert.equal(quiet.known.complete, false);
  assert.equal(quiet.known.size, 0);
});
