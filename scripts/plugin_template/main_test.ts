import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;

Deno.test("__ID__ counts deployments, formats notifications and gates deployments", async () => {
  await using plugin = await startPlugin(dir);

  assert.deepEqual(await plugin.emit("deployment.post_create", { app: "web" }), { deployments: 1 });
  assert.deepEqual(await plugin.emit("deployment.post_create", { app: "web" }), { deployments: 2 });
  assert.equal(plugin.host.emitted.length, 2);

  assert.deepEqual(await plugin.filter("notification.format", { text: "deployed" }), {
    text: "hello: deployed",
  });
  assert.deepEqual(await plugin.gate("deployment.pre_create", { app: "web" }), { allow: true });
  assert.equal((await plugin.gate("deployment.pre_create", {})).allow, false);

  const status = await plugin.route("GET", "/status");
  assert.equal(status.status, 200);
  assert.deepEqual(await status.json(), { deployments: 2 });
});
