import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;

Deno.test("hello greets each deployment, counts them in storage and emits hello.greeted", async () => {
  await using plugin = await startPlugin(dir, { config: { greeting: "Hi" } });
  assert.deepEqual(await plugin.emit("deployment.post_create", { app: "web" }), {
    seen: 1,
    message: "Hi, web!",
  });
  assert.deepEqual(await plugin.emit("deployment.post_create", { app: "api" }), {
    seen: 2,
    message: "Hi, api!",
  });
  assert.equal(plugin.host.emitted.length, 2);
  const count = await plugin.route("GET", "/count");
  assert.deepEqual(await count.json(), { seen: 2 });
  assert.ok(plugin.logs.some((l) => l.msg === "Hi, api!"));
});
