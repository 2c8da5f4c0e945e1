import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { fixture, OPTS, waitFor } from "./_helpers.ts";

Deno.test("a 100 MB flood neither stalls the daemon nor grows its memory", OPTS, async () => {
  // Writing 100 MB under a 50 % cpu quota takes a while on a loaded machine: no false timeout.
  await using flood = await startPlugin(fixture("flood"), { timeoutMs: 60_000 });
  await using echo = await startPlugin(fixture("echo"));
  // Heap + external memory of this isolate: RSS is process-wide, and `deno test --parallel`
  // runs other test files in the same process.
  const gc = (globalThis as { gc?: () => void }).gc; // deno task test passes --expose-gc
  const isolateBytes = () => {
    gc?.();
    const m = Deno.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = isolateBytes();
  let done = false;
  const flooding = flood.emit("test.flood").finally(() => done = true);
  flooding.catch(() => {}); // awaited below; never an unhandled rejection if the loop throws
  let answered = 0;
  let peak = 0; // retained memory sampled while the flood is under way, not only after it
  while (!done) {
    assert.deepEqual(await echo.filter("text.upper", { text: "a" }), { text: "A" });
    if (answered++ % 5 === 0) peak = Math.max(peak, isolateBytes() - before);
  }
  assert.deepEqual(await flooding, { flooded: true });
  assert.ok(answered > 0);
  const grown = Math.max(peak, isolateBytes() - before);
  assert.ok(grown < 64 * 1024 * 1024, `host memory grew by ${grown} bytes`);
  const s = await waitFor(async () => {
    const s = await flood.stats();
    return s.droppedLogs > 0 && s.protocolViolations >= 1 ? s : undefined;
  }, "flood accounted");
  assert.equal(s.state, "running");
  assert.ok(flood.logs.some((l) => /line of 52428800 bytes discarded/.test(l.msg)));
});

Deno.test("ArrayBuffers beyond the memory cap kill the plugin, not the daemon", OPTS, async () => {
  await using p = await startPlugin(fixture("memhog"));
  await assert.rejects(p.emit("test.alloc", { mb: 1024 }));
  await waitFor(async () => (await p.stats()).state === "running", "restart after OOM");
  assert.deepEqual(await p.emit("test.alloc", { mb: 16 }), { allocatedMb: 16 });
});

Deno.test("a plugin with an explicit loopback net grant reaches a local server", OPTS, async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("pong"),
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  {
    await using p = await startPlugin(fixture("netcheck"), {
      grant: { net: [`127.0.0.1:${server.addr.port}`] },
    });
    assert.deepEqual(await p.emit("test.fetch", { url }), { status: 200, body: "pong" });
  }
  {
    await using p = await startPlugin(fixture("netcheck"), { grant: {} });
    await assert.rejects(p.emit("test.fetch", { url }), /Requires net access/);
  }
});
