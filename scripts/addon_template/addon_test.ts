import assert from "node:assert/strict";
import { startAddon } from "@plugd/sdk/testing/addon";

const dir = new URL(".", import.meta.url).pathname;

Deno.test("__ID__ installs, reports its status, reconfigures and uninstalls", async () => {
  await using addon = await startAddon(dir, { config: { port: 9090 } });
  assert.deepEqual((await addon.run("status")).result, {
    status: "not_installed",
    health: "unknown",
    message: "",
    details: {},
  });
  assert.deepEqual((await addon.run("validate")).result, { valid: true, errors: [], warnings: [] });

  const install = await addon.run("install");
  assert.equal(install.code, 0, install.stderr);
  assert.deepEqual(install.progress.map((p) => p.percent), [50, 100]);
  const status = (await addon.run("status")).result as { status: string; details: unknown };
  assert.equal(status.status, "installed");
  assert.deepEqual(status.details, { port: 9090 });
  assert.deepEqual((await addon.run("health")).result, { health: "healthy" });

  assert.equal((await addon.run("configure")).code, 0);
  assert.equal((await addon.run("uninstall")).code, 0);
  assert.equal(((await addon.run("status")).result as { status: string }).status, "not_installed");
});
