import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;
const config = {
  // #if webhook
  webhook_secret: "test-secret",
  // #endif
};

Deno.test("__ID__ counts deployments, formats notifications and gates deployments", async () => {
  await using plugin = await startPlugin(dir, { config });

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
// #if webhook

async function sign(body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(config.webhook_secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

Deno.test("__ID__ accepts signed webhooks and refuses the rest", async () => {
  await using plugin = await startPlugin(dir, { config });
  const body = JSON.stringify({ action: "opened" });
  const signed = await plugin.route("POST", "/webhook", {
    headers: { "x-hub-signature-256": await sign(body) },
    body,
  });
  assert.equal(signed.status, 202);
  assert.equal(plugin.host.emitted[0]?.type, "__NS__.webhook");
  const forged = await plugin.route("POST", "/webhook", {
    headers: { "x-hub-signature-256": await sign("{}") },
    body,
  });
  assert.equal(forged.status, 401);
});
// #endif
// #if command

Deno.test("__ID__ hello greets on the terminal", async () => {
  await using plugin = await startPlugin(dir, { config });
  assert.deepEqual(await plugin.command("hello", ["ops"]), { code: 0, output: "hello, ops\n" });
});
// #endif
// #if ui

Deno.test("__ID__ console page files are in place and call a declared route", async () => {
  const page = await Deno.readTextFile(new URL("ui/index.html", import.meta.url));
  assert.match(page, /src="app\.js"/);
  const app = await Deno.readTextFile(new URL("ui/app.js", import.meta.url));
  assert.match(app, /from "\.\.\/_plugd\/ui\.js"/);
  // The page asks for GET /status through the bridge: it must be a declared route that answers.
  await using plugin = await startPlugin(dir, { config });
  assert.equal((await plugin.route("GET", "/status")).status, 200);
});
// #endif
