import assert from "node:assert/strict";
import { Supervisor } from "./supervisor.ts";
import { type FakePlugin, fakeRunner, fakeSpec } from "./_fake_runner.ts";
import { MemoryHost } from "./memory_host.ts";

Deno.test("a plugin whose hello and ready arrive in one read starts (init was pipelined)", async () => {
  // The fake answers the host's init with hello and ready in one write, as a real plugin can
  // when init waited in its socket while it loaded. The host used to mark the hello received only
  // after checking it, so that ready was refused and the start ran into the ready timeout.
  const plugin: FakePlugin = { helloWithReady: true, filters: { "text.same": (d) => d } };
  const runner = fakeRunner(plugin);
  await using sup = new Supervisor({
    hostHandler: new MemoryHost(),
    runner,
    healthIntervalMs: 0,
    readyTimeoutMs: 60_000,
  });
  sup.register(fakeSpec(plugin));
  assert.deepEqual(await sup.invoke("fake", "filter", "text.same", { text: "a" }), { text: "a" });
  assert.equal((await sup.stats("fake")).protocolViolations, 0);
});
