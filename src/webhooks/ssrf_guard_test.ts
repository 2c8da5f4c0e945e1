import assert from "node:assert/strict";
import { WebhookTargetError } from "./errors.ts";
import { parseWebhookUrl, type Resolver, resolveTarget } from "./ssrf_guard.ts";

Deno.test("parseWebhookUrl() refuses non-http schemes and credentials", () => {
  for (const url of ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "javascript:1"]) {
    assert.throws(() => parseWebhookUrl(url), /must use http or https/);
  }
  assert.throws(() => parseWebhookUrl("https://u:p@example.com/"), /credentials/);
  assert.throws(() => parseWebhookUrl("not a url"), /not a valid absolute URL/);
  assert.equal(parseWebhookUrl("https://hooks.example.com/x").hostname, "hooks.example.com");
});

Deno.test("resolveTarget() refuses names that resolve to private addresses (rebinding-proof pin)", async () => {
  const dns: Record<string, string[]> = {
    "127.0.0.1.nip.io/A": ["127.0.0.1"],
    "mixed.example/A": ["93.184.216.34", "10.0.0.1"],
    "v6.example/AAAA": ["::ffff:169.254.169.254"],
    "ok.example/A": ["93.184.216.34"],
    "ok.example/AAAA": ["2606:2800:220:1:248:1893:25c8:1946"],
  };
  const resolver: Resolver = (name, type) => {
    const hit = dns[`${name}/${type}`];
    return hit ? Promise.resolve(hit) : Promise.reject(new Error("no records"));
  };
  for (const host of ["127.0.0.1.nip.io", "mixed.example", "v6.example"]) {
    await assert.rejects(resolveTarget(`https://${host}/`, { resolver }), WebhookTargetError);
  }
  const ok = await resolveTarget("https://ok.example/hook", { resolver });
  assert.equal(ok.address, "93.184.216.34");
  assert.equal(ok.port, 443);
  await assert.rejects(resolveTarget("https://nowhere.example/", { resolver }), /Cannot resolve/);
});

Deno.test("allowPrivate admits loopback but never metadata or unspecified", async () => {
  const t = await resolveTarget("http://127.0.0.1:9/x", { allowPrivate: true });
  assert.equal(t.address, "127.0.0.1");
  for (const host of ["169.254.169.254", "[fd00:ec2::254]", "0.0.0.0", "[::]"]) {
    assert.throws(
      () => parseWebhookUrl(`http://${host}/`, { allowPrivate: true }),
      /never allowed/,
    );
  }
});
