import assert from "node:assert/strict";
import { idleRelease } from "./idle_memory.ts";
import { waitFor } from "../../../tests/helpers/wait_for.ts";

Deno.test("idleRelease() collects once after calls stop, and not again while idle", async () => {
  let gcs = 0;
  let heapReads = 0;
  const idle = idleRelease({
    gc: () => void gcs++,
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
    gc: () => void gcs++,
    inFlight: () => (asked++, 1),
    idleMs: 5,
    heapTotal: () => 0,
  });
  idle.noteCall();
  await waitFor(() => asked >= 3, "three idle checks");
  assert.equal(gcs, 0);
});

Deno.test("takeGc() collects in a process started without --expose-gc and leaves no global gc", async () => {
  // A fresh Deno, as a plugin runs: no V8 flag but the heap cap.
  const code = `
    import { takeGc } from ${JSON.stringify(new URL("./idle_memory.ts", import.meta.url).href)};
    const release = takeGc();
    await release(); // exposes gc() at first use; rejects if it cannot
    await release();
    console.log(JSON.stringify({ global: typeof globalThis.gc }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--max-old-space-size=128", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), { global: "undefined" });
});
