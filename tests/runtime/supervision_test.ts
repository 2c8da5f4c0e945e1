import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { type PluginCallError, PluginTimeoutError } from "../../src/runtime/mod.ts";
import { fixture, OPTS, waitFor } from "./_helpers.ts";

Deno.test("a timed-out call kills the plugin and it is restarted", OPTS, async () => {
  await using p = await startPlugin(fixture("hang"));
  const pid = (await p.stats()).pid;
  await assert.rejects(p.emit("test.hang"), PluginTimeoutError);
  await waitFor(async () => {
    const s = await p.stats();
    return s.state === "running" && s.pid !== pid;
  }, "restart after the timeout kill");
  assert.deepEqual(await p.filter("text.same", { a: 1 }), { a: 1 });
  const s = await p.stats();
  assert.equal(s.timeouts, 1);
  assert.ok(s.restarts >= 1);
});

Deno.test("a crash loop exhausts the crash budget and the plugin is failed", OPTS, async () => {
  await using p = await startPlugin(fixture("crashy"));
  const s = await waitFor(async () => {
    const s = await p.stats();
    return s.state === "failed" ? s : undefined;
  }, "state failed");
  assert.match(s.reason!, /crashed 6 times/);
});

Deno.test("garbage and forged frames are ignored and counted", OPTS, async () => {
  await using p = await startPlugin(fixture("garbage"));
  assert.equal(await p.emit("test.forge"), "still fine");
  const s = await waitFor(async () => {
    const s = await p.stats();
    return s.protocolViolations >= 4 ? s : undefined;
  }, "violations counted");
  assert.equal(s.state, "running");
  // Garbage on the channel is a violation; a print on stdout or the console is a log line.
  assert.ok(p.logs.some((l) => /invalid frame not json at all/.test(l.msg)));
  assert.ok(p.logs.some((l) => l.stream === "stdout" && l.msg === "plain text on stdout"));
  assert.ok(p.logs.some((l) => l.stream === "sdk" && l.msg === "printed on purpose"));
  assert.ok(p.logs.some((l) => /id 987654, which is not a pending call/.test(l.msg)));
});

Deno.test("a permission denial is counted and carries a fix-it hint", OPTS, async () => {
  await using p = await startPlugin(fixture("denied"));
  await assert.rejects(
    p.emit("test.read"),
    (e: PluginCallError) =>
      e.pluginErrorName === "NotCapable" && /add read: \["\/etc\/hostname"\]/.test(e.message),
  );
  await assert.rejects(p.emit("test.net"), /add net: \["api\.example\.com(:443)?"\]/);
  const s = await p.stats();
  assert.equal(s.denied.count, 2);
  assert.match(s.denied.recent[0]!.what, /Requires read access to "\/etc\/hostname"/);
});
