import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { PluginExitedError } from "../../src/runtime/mod.ts";
import { fixture, OPTS, waitFor } from "./_helpers.ts";

Deno.test(
  "frames sent right before a plugin's own Deno.exit() all reach the host, in order",
  OPTS,
  async () => {
    await using p = await startPlugin(fixture("exiter"));
    const pid = (await p.stats()).pid;
    // 150 lines of ~1 KiB: more than one socket write, sent in the turn that calls Deno.exit(3).
    await assert.rejects(p.emit("test.exit", { lines: 150, size: 1000 }), PluginExitedError);
    const lines = await waitFor(() => {
      const got = p.logs.filter((l) => l.stream === "sdk" && l.msg.startsWith("LINE "));
      return got.length >= 150 ? got : undefined;
    }, "every line sent before the exit");
    assert.deepEqual(lines.map((l) => Number(l.msg.split(" ")[1])), [...Array(150).keys()]);
    assert.ok(p.logs.some((l) => /process exited: crashed \(code 3\)/.test(l.msg)));
    assert.equal((await p.stats()).droppedLogs, 0);
    // The supervisor restarts it, and it answers again.
    await waitFor(async () => {
      const s = await p.stats();
      return s.state === "running" && s.pid !== pid;
    }, "the restart");
    assert.deepEqual(await p.filter("text.same", { a: 1 }), { a: 1 });
  },
);
