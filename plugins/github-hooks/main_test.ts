import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;
const SECRET = "test-secret";

async function sign(body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return "sha256=" + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("github-hooks accepts signed deliveries, refuses the rest, looks them up by id", async () => {
  await using plugin = await startPlugin(dir, { config: { webhook_secret: SECRET } });
  const body = JSON.stringify({ repository: { full_name: "acme/web" } });
  const headers = {
    "x-github-event": "push",
    "x-github-delivery": "d-1",
    "x-hub-signature-256": await sign(body),
  };
  const ok = await plugin.route("POST", "/github", { headers, body });
  assert.equal(ok.status, 202);
  assert.deepEqual(await ok.json(), { accepted: "d-1" });
  assert.equal(plugin.host.emitted[0]?.type, "github.push");

  const forged = await plugin.route("POST", "/github", {
    headers: { ...headers, "x-hub-signature-256": await sign(body + " ") },
    body,
  });
  assert.equal(forged.status, 401);
  const unsigned = await plugin.route("POST", "/github", { body });
  assert.equal(unsigned.status, 401);

  // A :id parameter, matched by the daemon's own route matcher.
  const found = await plugin.route("GET", "/deliveries/d-1");
  assert.equal((await found.json()).repository, "acme/web");
  assert.equal((await plugin.route("GET", "/deliveries/nope")).status, 404);
});
