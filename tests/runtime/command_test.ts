/**
 * Plugin commands at the protocol level, under the real sandbox: output frames stream while the
 * handler runs, the return value is the exit code, a cancelled call fires the handler's
 * ctx.signal, and a handler that ignores it is killed after the grace period.
 */
import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";
import { waitFor } from "../helpers/wait_for.ts";

const dir = new URL("../fixtures/surfaces/commander", import.meta.url).pathname;
const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

Deno.test(
  "command output streams before the run ends; the return value is the exit code",
  OPTS,
  async () => {
    await using plugin = await startPlugin(dir);
    let settled = false;
    const settledWhenChunkArrived: boolean[] = [];
    const run = plugin.command("count", ["3"], {
      onOutput: () => settledWhenChunkArrived.push(settled),
    });
    run.then(() => settled = true, () => settled = true);
    const { code, output } = await run;
    const endedAt = Date.now();
    assert.equal(code, 0);
    assert.match(output, /^tick 1 at \d+\ntick 2 at \d+\ntick 3 at \d+\n$/);
    assert.deepEqual(settledWhenChunkArrived, [false, false, false], "chunks came before the end");
    const written = [...output.matchAll(/at (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(written[0]! < written[2]! && written[2]! <= endedAt, "written in order, then ended");
    assert.deepEqual((await plugin.command("exit", ["3"])).code, 3);
    await assert.rejects(plugin.command("exit", ["300"]), /exit code/);
  },
);

Deno.test("cancelling a command aborts ctx.signal in the plugin", OPTS, async () => {
  // The handler answers its cancellation after a storage write: a loaded machine can take longer
  // than the 2 s grace for that, and then kills it (the next test). Here it must see it through.
  await using plugin = await startPlugin(dir, { cancelGraceMs: 60_000 });
  const controller = new AbortController();
  const run = plugin.command("wait", [], { signal: controller.signal });
  const state = () => plugin.host.storage.get("commander")?.get("state");
  await waitFor(() => state() === "waiting", "the command to start");
  controller.abort();
  await assert.rejects(run, /abort/i);
  await waitFor(() => state() === "cancelled", "the handler to see the cancellation", 60_000);
  assert.equal((await plugin.command("exit", ["0"])).code, 0, "the plugin keeps serving");
});

Deno.test(
  "a command that ignores its cancellation is killed after the grace period",
  OPTS,
  async () => {
    await using plugin = await startPlugin(dir);
    const controller = new AbortController();
    const out: string[] = [];
    const run = plugin.command("stubborn", [], {
      signal: controller.signal,
      onOutput: (c) => out.push(c),
    });
    await waitFor(() => out.length > 0, "the command to start");
    controller.abort();
    await assert.rejects(run);
    await waitFor(
      () => plugin.logs.some((l) => /ignored its cancellation/.test(l.msg)),
      "the supervisor to kill the stubborn handler",
    );
    await waitFor(async () => (await plugin.command("exit", ["0"])).code === 0, "a restart");
  },
);
