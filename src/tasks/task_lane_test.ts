import assert from "node:assert/strict";
import { TaskLane } from "./task_lane.ts";

Deno.test("TaskLane: a new lane does not know whether delayed tasks wait; a look settles it", () => {
  const lane = new TaskLane();
  const generation = lane.mayHaveDelayed();
  assert.notEqual(generation, null);
  lane.settle(generation!);
  assert.equal(lane.mayHaveDelayed(), null);
  lane.delayed();
  assert.notEqual(lane.mayHaveDelayed(), null, "a retry makes the lane look again");
});

Deno.test("TaskLane: a task delayed while a look runs keeps the lane unsettled", () => {
  const lane = new TaskLane();
  const generation = lane.mayHaveDelayed()!;
  lane.delayed(); // committed after the look read the table
  lane.settle(generation);
  const next = lane.mayHaveDelayed();
  assert.notEqual(next, null);
  lane.settle(next!);
  assert.equal(lane.mayHaveDelayed(), null);
});

Deno.test("TaskLane: wakeIn() runs the pump once; a later wakeIn() replaces it; stop() clears", async () => {
  const lane = new TaskLane();
  const runs: string[] = [];
  const alive = setInterval(() => {}, 1000); // the lane's timers keep no process alive
  lane.wakeIn(10_000, () => runs.push("late"));
  const { promise, resolve } = Promise.withResolvers<void>();
  lane.wakeIn(0, () => (runs.push("soon"), resolve()));
  await promise;
  assert.deepEqual(runs, ["soon"]);
  lane.wakeIn(0, () => runs.push("stopped"));
  lane.stop();
  await new Promise((r) => setTimeout(r, 30));
  clearInterval(alive);
  assert.deepEqual(runs, ["soon"]);
});
