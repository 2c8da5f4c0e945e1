import assert from "node:assert/strict";
import { CallTable } from "./_call_table.ts";
import { startThenCall } from "./_supervisor_calls.ts";
import { newEntry } from "./_supervisor_entry.ts";
import { HealthWatch } from "./health_watch.ts";
import { PluginWaitTimeoutError } from "./errors.ts";

const NEVER = new Promise<never>(() => {});

function stoppedEntry() {
  const spec = {
    id: "slow-start",
    version: "1.0.0",
    expectedHandlers: { actions: [], filters: [], gates: [], routes: [], lifecycle: [] },
    limits: { memory_mb: 128, timeout_ms: 5000, concurrency: 1 },
    plan: () => Promise.reject(new Error("not started in this test")),
  };
  return newEntry(spec as never, new HealthWatch({}, () => {}));
}

Deno.test("startThenCall() ends a call whose plugin's start never settles after its waitMs", async () => {
  const e = stoppedEntry();
  const deps = { get: () => e, start: () => NEVER, noteStart: () => {}, armIdle: () => {} };
  const call = startThenCall("slow-start", "task", "t", {}, { waitMs: 20 }, deps);
  await assert.rejects(call, (error: Error) => {
    assert.ok(error instanceof PluginWaitTimeoutError);
    assert.match(error.message, /within 20 ms \(it waited for its start\); the call was not sent/);
    return true;
  });
});

Deno.test("startThenCall() ends a call that meets a stop which never settles after its waitMs", async () => {
  const e = stoppedEntry();
  e.stopping = NEVER;
  const deps = { get: () => e, start: () => NEVER, noteStart: () => {}, armIdle: () => {} };
  const call = startThenCall("slow-start", "task", "t", {}, { waitMs: 20 }, deps);
  await assert.rejects(call, /it waited for its stop/);
});

Deno.test("CallTable: a queued call leaves the queue after its waitMs; the next one gets the slot", async () => {
  const sent: unknown[] = [];
  let onSend = () => {};
  const table = new CallTable({
    pluginId: "busy",
    concurrency: 1,
    queueLimit: 10,
    timeoutMs: 60_000,
    send: (frame) => (sent.push(frame.payload), onSend()),
    warn: () => {},
    kill: () => {},
    ready: () => true,
    exitReason: () => undefined,
  });
  const first = table.call("action", "a", "first", {});
  const late = table.call("action", "a", "late", { waitMs: 10 });
  const patient = table.call("action", "a", "patient", {});
  await assert.rejects(late, /within 10 ms \(it waited for a free slot \(limits.concurrency\)\)/);
  const patientSent = new Promise<void>((resolve) => onSend = resolve);
  table.pending.get(1)!.resolve("one");
  table.settle(1); // frees the slot: for the patient call, not the one that left
  assert.equal(await first, "one");
  await patientSent;
  assert.deepEqual(sent, ["first", "patient"]);
  table.failAll("end of test");
  await assert.rejects(patient, /end of test/);
});
