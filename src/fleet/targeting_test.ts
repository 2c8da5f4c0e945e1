import assert from "node:assert/strict";
import { rolloutWaves, selects } from "./targeting.ts";

Deno.test("selects() matches every label and the id list", () => {
  assert.equal(selects(null, "a", {}), true);
  assert.equal(selects({ labels: { role: "web" } }, "a", { role: "web", zone: "x" }), true);
  assert.equal(selects({ labels: { role: "web" } }, "a", { role: "db" }), false);
  assert.equal(selects({ ids: ["b"] }, "a", {}), false);
  assert.equal(selects({ ids: ["a"], labels: { role: "web" } }, "a", { role: "web" }), true);
});

Deno.test("rolloutWaves() puts the canary first, then batches, hosts sorted", () => {
  const policy = { canary: 1, batch: "50%", pause_s: 0, halt_on: "failed" as const };
  assert.deepEqual(rolloutWaves(["e", "d", "c", "b", "a"], policy), [
    ["a"],
    ["b", "c", "d"],
    ["e"],
  ]);
  assert.deepEqual(rolloutWaves(["a", "b", "c"], { ...policy, canary: 0, batch: 2 }), [
    ["a", "b"],
    ["c"],
  ]);
  assert.deepEqual(rolloutWaves([], policy), []);
});
