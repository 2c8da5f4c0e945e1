import assert from "node:assert/strict";
import { type HealthChange, healthProblem, HealthWatch } from "./health_watch.ts";

Deno.test("healthProblem() passes healthy and degraded answers, fails the rest", () => {
  assert.equal(healthProblem({ status: "healthy" }), null);
  assert.equal(healthProblem({ status: "degraded", why: "slow" }), null);
  assert.equal(healthProblem({ status: "unhealthy", message: "db" }), "answered unhealthy: db");
  assert.match(healthProblem("ok")!, /not \{status: healthy\|degraded\}/);
});

Deno.test("HealthWatch degrades after N failures, restarts after M, recovers on a pass", () => {
  const changes: HealthChange[] = [];
  const watch = new HealthWatch({ degradedAfter: 2, restartAfter: 3 }, (c) => changes.push(c));
  const bad = { answer: { status: "unhealthy" } };
  watch.observe(bad, 1000);
  assert.equal(changes.length, 0);
  watch.observe({ error: new Error("timed out") }, 2000);
  assert.deepEqual(changes.map((c) => c.change), ["degraded"]);
  assert.equal(watch.view?.degradedSince, 2000);
  watch.observe(bad, 3000);
  assert.deepEqual(changes.map((c) => c.change), ["degraded", "restart"]);
  assert.ok(watch.degraded, "a restart does not end the degradation");
  watch.observe({ answer: { status: "healthy" } }, 4500);
  assert.deepEqual(changes.map((c) => c.change), ["degraded", "restart", "recovered"]);
  assert.equal(changes[2]!.reason, "healthy again after 2.5 s");
  assert.equal(watch.degraded, false);
});

Deno.test("HealthWatch refuses a policy that restarts before it degrades", () => {
  assert.throws(() => new HealthWatch({ degradedAfter: 3, restartAfter: 2 }, () => {}), RangeError);
});
