/**
 * A daemon SIGKILLed while a plugin starts leaves nothing of it running. bubblewrap arms
 * `--die-with-parent` late in both of its processes (the outer one after the clone, the sandbox's
 * pid 1 after its setsid and fork), so a sandbox can lose its parent inside those windows; a
 * plugin's must still end, because the shim runs no plugin code before its protocol connection,
 * which ends with the daemon (docs/sandbox.md). System addons have their keeper instead
 * (tests/addons/orphans_test.ts).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { hostProcesses, killAll } from "../helpers/processes.ts";
import { call, fixture, installEnable, OPTS, waitFor } from "./_helpers.ts";

Deno.test(
  "a daemon killed at any step of a plugin's start leaves no process of the plugin",
  OPTS,
  async () => {
    const first = await startDaemon();
    const { stateDir } = first;
    // Every process of the daemon and its plugins names the state dir in its arguments.
    const ours = async () => (await hostProcesses()).filter((p) => p.cmdline.includes(stateDir));
    try {
      const id = await installEnable(first, fixture("echo", "plugins"));
      await first.kill();
      // Each round the daemon starts the plugin, and a restart starts it once more; the kill lands
      // at a different point of that start each time.
      for (let i = 0; i < 8; i++) {
        const d = await startDaemon({ stateDir });
        const restart = call(d, "POST", `/v1/plugins/${id}/restart`).catch(() => null);
        await new Promise((r) => setTimeout(r, (i * 9) % 60));
        await d.kill();
        await restart;
      }
      const left = await waitFor(
        async () => (await ours()).length === 0 ? "none" : null,
        "every process of the plugin to end",
        30_000,
      ).catch(async (error) => {
        const running = await ours();
        throw new Error(
          `${error.message}:\n${
            running.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`).join("\n")
          }`,
        );
      });
      assert.equal(left, "none");
    } finally {
      killAll(await ours());
      await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    }
  },
);
