import assert from "node:assert/strict";
import { Trackers } from "./trackers.ts";

const result = (plugin: string) => ({
  plugin,
  hook: "a.b",
  status: "ok" as const,
  attempts: 1,
  duration_ms: 1,
});

Deno.test("Trackers: a wait resolves with every result, or with null once its time ran out", async () => {
  const trackers = new Trackers();
  const alive = setInterval(() => {}, 1000); // the timer is unref'd: keep the test's loop running
  const done = trackers.track("e1", 2, 60_000);
  const late = trackers.track("e2", 1, 5);
  trackers.finish("e1", result("p1"));
  trackers.finish("e1", result("p2"));
  assert.deepEqual((await done)?.map((r) => r.plugin), ["p1", "p2"]);
  assert.equal(await late, null, "the shorter wait ran out on the one timer");
  trackers.finish("e2", result("p1")); // nobody waits any more: ignored
  const third = trackers.track("e3", 1, 5);
  assert.equal(await third, null, "the timer is armed again for later waits");
  trackers.forget("e1");
  clearInterval(alive);
  trackers.close();
});

Deno.test("Trackers: no subscribers answers at once", async () => {
  assert.deepEqual(await new Trackers().track("e", 0, 60_000), []);
});
