/**
 * Public inbound routes through the real daemon to the real, sandboxed github-hooks example:
 * GitHub-signed deliveries accepted, forged or unsigned ones refused by the plugin (401), an
 * oversized body refused with 413 before the plugin is called, the rate limit (429 with
 * Retry-After), 404 for a disabled plugin, and nothing of it under /v1 without a token.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installAndEnable, invocations, OPTS, repoPath, socketJson, tcpJson } from "./_surfaces.ts";

const SECRET = "it-is-a-secret";

async function githubSignature(body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

Deno.test("public route: signatures, body limit, rate limit, disabled and /v1", OPTS, async () => {
  await using daemon = await startDaemon();
  const view = await installAndEnable(daemon, repoPath("plugins/github-hooks"), {
    webhook_secret: SECRET,
  });
  const publicRisk = view.permissions.risks.find((r: { kind: string }) => r.kind === "public");
  assert.deepEqual([publicRisk.value, publicRisk.level], ["POST /github", "high"]);

  const url = `${daemon.baseUrl}/hooks/github-hooks/github`;
  const body = JSON.stringify({ repository: { full_name: "acme/web" } });
  const post = (headers: Record<string, string>, data: string | Uint8Array<ArrayBuffer> = body) =>
    fetch(url, { method: "POST", headers, body: data });
  const signed = {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": "delivery-1",
    "x-hub-signature-256": await githubSignature(body),
    cookie: "plugd_session=should-never-reach-the-plugin",
  };

  // 1. A correctly signed delivery, with no plugd token at all.
  const ok = await post(signed);
  assert.equal(ok.status, 202, await ok.clone().text());
  assert.deepEqual(await ok.json(), { accepted: "delivery-1" });
  const stored = await tcpJson(
    daemon,
    "GET",
    "/v1/plugins/github-hooks/routes/deliveries/delivery-1",
  );
  assert.equal(stored.status, 200);
  assert.equal(stored.body.repository, "acme/web");

  // 2. Forged and missing signatures: the plugin's own handler refuses them.
  const forged = await post({ ...signed, "x-hub-signature-256": await githubSignature("{}") });
  assert.equal(forged.status, 401);
  assert.match((await forged.json()).error, /X-Hub-Signature-256/);
  const { "x-hub-signature-256": _, ...unsigned } = signed;
  const missing = await post(unsigned);
  assert.equal(missing.status, 401);
  await missing.body?.cancel();

  // 3. Over max_body_kb (512): 413 from the daemon, and the plugin was never called.
  const before = await invocations(daemon, "github-hooks");
  const big = await post(signed, new Uint8Array(513 * 1024).fill(0x20));
  assert.equal(big.status, 413);
  assert.match((await big.json()).detail, /512 KiB/);
  const chunked = await fetch(url, {
    method: "POST",
    headers: signed,
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 9; i++) controller.enqueue(new Uint8Array(64 * 1024));
        controller.close();
      },
    }),
  });
  assert.equal(chunked.status, 413, "a body without Content-Length is counted as it streams");
  await chunked.body?.cancel();
  assert.equal(await invocations(daemon, "github-hooks"), before, "the plugin was not called");

  // 4. The route's rate (60/min) runs out: 429 with Retry-After, also before the plugin.
  let limited: Response | undefined;
  for (let i = 0; i < 70 && !limited; i++) {
    const res = await post(signed);
    await res.body?.cancel();
    if (res.status === 429) limited = res;
  }
  assert.ok(limited, "the rate limit answered 429 within 70 requests");
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);

  // 5. Nothing of it under /v1: without a token 401, with one a pointer to /hooks.
  const noToken = await fetch(`${daemon.baseUrl}/v1/plugins/github-hooks/routes/github`, {
    method: "POST",
    body,
  });
  assert.equal(noToken.status, 401);
  await noToken.body?.cancel();
  const withToken = await tcpJson(daemon, "POST", "/v1/plugins/github-hooks/routes/github", {});
  assert.equal(withToken.status, 404);
  assert.match(withToken.body.detail, /public: it is served at \/hooks\/github-hooks\/github/);

  // 6. A disabled plugin serves nothing, with the same 404 as an unknown plugin.
  assert.equal((await socketJson(daemon, "POST", "/v1/plugins/github-hooks/disable")).status, 200);
  const disabled = await post(signed);
  const unknown = await fetch(`${daemon.baseUrl}/hooks/no-such-plugin/github`, { method: "POST" });
  assert.equal(disabled.status, 404);
  assert.equal(unknown.status, 404);
  assert.equal((await disabled.json()).detail, (await unknown.json()).detail);
});
