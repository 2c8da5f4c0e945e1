import assert from "node:assert/strict";
import { idleRelease, takeGc } from "./idle_memory.ts";
import { waitFor } from "../../../tests/helpers/wait_for.ts";

Deno.test("idleRelease() collects once after calls stop, and not again while idle", async () => {
  let gcs = 0;
  let heapReads = 0;
  const idle = idleRelease({
    gc: () => gcs++,
    inFlight: () => 0,
    idleMs: 20,
    // Grown since the start; after the release it stays at the new baseline.
    heapTotal: () => ++heapReads === 1 ? 1 : 64 << 20,
  });
  idle.noteCall();
  idle.noteCall();
  await waitFor(() => gcs === 1, "a release after the calls stopped");
  const reads = heapReads;
  idle.noteCall(); // a new spell whose heap did not grow: checked, not collected
  await waitFor(() => heapReads > reads, "the next idle check");
  assert.equal(gcs, 1);
});

Deno.test("idleRelease() never collects while a call is in flight", async () => {
  let gcs = 0;
  let asked = 0;
  const idle = idleRelease({
    gc: () => gcs++,
    inFlight: () => (asked++, 1),
    idleMs: 5,
    heapTotal: () => 0,
  });
  idle.noteCall();
  await waitFor(() => asked >= 3, "three idle checks");
  assert.equal(gcs, 0);
});

Deno.test("takeGc() takes V8's gc() and leaves the global blank", () => {
  const holder = globalThis as { gc?: unknown };
  const saved = holder.gc;
  let called = 0;
  holder.gc = (o: unknown) => {
    called++;
    assert.deepEqual(o, { type: "major", execution: "sync", flavor: "last-resort" });
  };
  try {
    const gc = takeGc();
    assert.equal(holder.gc, undefined);
    gc!();
    assert.equal(called, 1);
    assert.equal(takeGc(), undefined);
  } finally {
    holder.gc = saved;
  }
});
