import assert from "node:assert/strict";
import { PluginStartError } from "./errors.ts";
import { fakeRunner, fakeSpec } from "./_fake_runner.ts";
import { MemoryHost } from "./memory_host.ts";
import { type SpawnDeps, spawnPlugin } from "./spawn_plugin.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

const SPEC = fakeSpec({ filters: { "text.same": (d) => d } });

/** A fake plugin, what it received, and an integrity check the test settles by hand. */
function setUp() {
  let inits = 0;
  const runner = fakeRunner({ filters: { "text.same": (d) => d }, onInit: () => inits++ });
  let settle!: (ok: boolean) => void;
  const check = new Promise<boolean>((r) => settle = r);
  const deps: SpawnDeps = {
    runner,
    hostHandler: new MemoryHost(),
    readyTimeoutMs: 60_000,
    verifyIntegrity: () => check,
    onLog: () => {},
    onDenied: () => {},
  };
  return { runner, deps, settle, inits: () => inits };
}

Deno.test("spawnPlugin() starts the process while the integrity check runs; init waits for it", async () => {
  const { runner, deps, settle, inits } = setUp();
  const starting = spawnPlugin(SPEC, deps);
  await waitFor(() => runner.plans.length === 1, "the process started during the check");
  // The fake sends hello at once; init (and so the plugin's entry, in the real shim) waits.
  assert.equal(inits(), 0, "no init before the check passed");
  settle(true);
  const { proc } = await starting;
  assert.equal(inits(), 1);
  assert.deepEqual(await proc.invoke("filter", "text.same", { a: 1 }), { a: 1 });
  proc.kill("stopped");
  await proc.exited;
});

Deno.test("spawnPlugin() kills a process whose files changed before it gets init", async () => {
  const { runner, deps, settle, inits } = setUp();
  const starting = spawnPlugin(SPEC, deps);
  await waitFor(() => runner.plans.length === 1, "the process started during the check");
  settle(false);
  await assert.rejects(
    starting,
    (e: PluginStartError) => e instanceof PluginStartError && e.reason === "integrity",
  );
  assert.equal(inits(), 0, "a plugin whose files changed never gets init");
  assert.equal(runner.live, 0, "its process is gone");
});

Deno.test("spawnPlugin() names changed files even when the launch plan fails too", async () => {
  const { deps, settle } = setUp();
  settle(false);
  const failing = { ...SPEC, plan: () => Promise.reject(new TypeError("no uid")) };
  await assert.rejects(
    spawnPlugin(failing, deps),
    (e: PluginStartError) => e instanceof PluginStartError && e.reason === "integrity",
  );
});
