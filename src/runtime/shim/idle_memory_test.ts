import assert from "node:assert/strict";
import { idleRelease } from "./idle_memory.ts";
import { PLUGIN_V8_FLAGS } from "../../permissions/mod.ts";
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

Deno.test("claimFlagGc() takes the gc() of a plugin's --expose-gc and leaves plugin code none", async () => {
  // As a plugin runs: the heap cap and PLUGIN_V8_FLAGS.
  const code = `
    import { claimFlagGc, takeGc } from ${
    JSON.stringify(new URL("./idle_memory.ts", import.meta.url).href)
  };
    const before = typeof globalThis.gc;
    claimFlagGc();
    claimFlagGc(); // twice (openShim, then runShim): the first taken gc() is kept
    const release = takeGc();
    await release();
    await release();
    console.log(JSON.stringify({ before, after: typeof globalThis.gc }));
  `;
  const flags = ["--max-old-space-size=128", ...PLUGIN_V8_FLAGS].join(",");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `--v8-flags=${flags}`, code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    before: "function",
    after: "undefined",
  });
});

/** Private memory (KiB) of a fresh Deno that parsed 200,000 short unique values, then released. */
async function privateAfterRelease(shrinkStringTable: boolean): Promise<number> {
  const code = `
    import { takeGc } from ${JSON.stringify(new URL("./idle_memory.ts", import.meta.url).href)};
    const release = takeGc({ shrinkStringTable: ${shrinkStringTable} });
    let sum = 0;
    for (let i = 0; i < 200_000; i++) sum += JSON.parse('["e' + i + '"]')[0].length;
    await release();
    // V8 unmaps freed pages on its worker threads: give them time (nothing here collects again).
    await new Promise((r) => setTimeout(r, 1000));
    const text = Deno.readTextFileSync("/proc/self/smaps_rollup");
    const kib = ["Private_Clean:", "Private_Dirty:"]
      .reduce((all, k) => all + Number(text.split(k)[1].trim().split(" ")[0]), 0);
    console.log(JSON.stringify({ kib, sum }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--max-old-space-size=128", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)).kib;
}

Deno.test("takeGc() frees the string table that short unique JSON values grew", async () => {
  // The table lives outside V8's heap, so the memory-reducing GC alone leaves it.
  const gcOnly = await privateAfterRelease(false);
  const release = await privateAfterRelease(true);
  // 200,000 live short strings needed a table of 2^19 slots (4 MiB).
  assert.ok(
    release <= gcOnly - 2048,
    `private memory after a release ${release} KiB, after the GC alone ${gcOnly} KiB`,
  );
});
