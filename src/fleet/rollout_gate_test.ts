import assert from "node:assert/strict";
import { rolloutGate } from "./rollout_gate.ts";
import type { DesiredEntry, PluginStatus, RolloutControl } from "./types.ts";

const plan = { id: "r1", from: "1.0.0", to: "1.1.0", waves: [["a"], ["b", "c"]], created_at: "" };
const entry = {
  id: "p",
  version: "1.1.0",
  plan,
  rollout: { canary: 1, batch: 2, pause_s: 5, halt_on: "failed" },
} as unknown as DesiredEntry;

function status(host: string, state: PluginStatus["state"], version: string): PluginStatus {
  return {
    host,
    plugin: "p",
    state,
    version,
    target: "1.1.0",
    runtime: null,
    reason: state === "failed" ? "health check failed" : null,
    digest: null,
    rollout: "r1",
    attempt: 0,
    at: "",
  };
}

function gate(
  hostId: string,
  statuses: PluginStatus[],
  o: { control?: RolloutControl; pause?: boolean; installed?: string } = {},
) {
  return rolloutGate({
    entry,
    hostId,
    statuses: new Map(statuses.map((s) => [s.host, s])),
    control: o.control ?? null,
    online: () => true,
    installed: o.installed ?? "1.0.0",
  }, o.pause ?? false);
}

Deno.test("rolloutGate(): the canary goes first, later waves wait for it and the pause", () => {
  assert.equal(gate("a", []).target, "1.1.0");
  assert.match(gate("b", []).waiting!, /waiting for wave 1 \(a\)/);
  const canaryDone = [status("a", "converged", "1.1.0")];
  const paused = gate("b", canaryDone);
  assert.equal(paused.target, "1.0.0");
  assert.equal(paused.pausing, true);
  assert.equal(gate("b", canaryDone, { pause: true }).target, "1.1.0");
});

Deno.test("rolloutGate(): a failed canary halts the rest; resume starts a new attempt", () => {
  const failed = [status("a", "failed", "1.0.0")];
  assert.match(gate("b", failed, { pause: true }).waiting!, /rollout halted: a failed on 1\.1\.0/);
  assert.equal(gate("a", failed).target, "1.0.0", "the failed host holds the old version");
  const control = { rollout: "r1", paused: false, aborted: false, attempt: 1, by: "x", at: "" };
  assert.equal(gate("a", failed, { control }).target, "1.1.0");
});

Deno.test("rolloutGate(): pause holds, abort takes hosts back", () => {
  const base = { rollout: "r1", paused: true, aborted: false, attempt: 0, by: "ops", at: "" };
  assert.match(gate("a", [], { control: base }).waiting!, /paused by ops/);
  const abort = { ...base, paused: false, aborted: true };
  assert.equal(gate("a", [], { control: abort, installed: "1.1.0" }).target, "1.0.0");
});
