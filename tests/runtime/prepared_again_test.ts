/**
 * `ensurePrepared()` on a real prepared folder: a changed runtime module is prepared again once,
 * even when two starts check the folder at the same moment (a launch and a restart after a crash
 * of the same version): the second waits for the first prepare, then finds plugd's files.
 */
import assert from "node:assert/strict";
import { detectSandbox, preparePlugin } from "../../src/runtime/mod.ts";
import { ensurePrepared } from "../../src/plugins/plugin_launch.ts";
import type { PluginPaths } from "../../src/plugins/plugin_paths.ts";
import type { PluginRecord } from "../../src/plugins/types.ts";

const ECHO = new URL("../fixtures/plugins/echo", import.meta.url).pathname;

Deno.test("two starts that meet a changed runtime.js prepare the folder once", async () => {
  const sandbox = await detectSandbox();
  const preparedDir = await Deno.makeTempDir({ prefix: "plugd-prepared-again-" });
  try {
    await preparePlugin({ pluginDir: ECHO, entry: "main.ts", preparedDir, sandbox });
    const runtime = `${preparedDir}/runtime.js`;
    const original = await Deno.readTextFile(runtime);
    await Deno.writeTextFile(runtime, `console.error("changed");\n${original}`);
    const plugin = { id: "echo", version: "1.0.0", manifest: { entry: "main.ts" } };
    const paths = { pluginDir: ECHO, preparedDir } as PluginPaths;
    const checks = await Promise.all(
      [1, 2].map(() => ensurePrepared(plugin as PluginRecord, paths, sandbox)),
    );
    assert.deepEqual(checks, [{ status: "changed", files: ["runtime.js"], added: [] }, {
      status: "current",
    }]);
    assert.equal(await Deno.readTextFile(runtime), original);
  } finally {
    await Deno.remove(preparedDir, { recursive: true });
  }
});
