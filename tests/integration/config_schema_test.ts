/**
 * JSON Schema config end to end: nested validation errors named by JSON pointer, secrets at any
 * depth sealed at rest, redacted from every answer and log (canary), delivered to the plugin.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

const FIXTURE = new URL("../fixtures/config/nested", import.meta.url).pathname;
const CANARY = "ghp_canary_9d41b7";
const KEY_CANARY = "chan_canary_77e0";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

Deno.test("nested config: errors by JSON pointer, secrets at depth sealed and redacted everywhere", async () => {
  await using d = await startDaemon();
  assert.equal((await call(d, "POST", "/v1/plugins", { source: FIXTURE })).status, 201);
  const schema = (await call(d, "GET", "/v1/plugins/nested-config")).body.manifest.config;
  assert.equal(schema.properties.github.properties.token.secret, true, "JSON Schema in the API");

  const bad = await call(d, "PUT", "/v1/plugins/nested-config/config", {
    config: { github: { org: 5 }, channels: [{ url: "https://ok" }, { url: "ftp://x" }, {}] },
  });
  assert.equal(bad.status, 422);
  const fields = bad.body.problems.map((p: { field: string }) => p.field).sort();
  assert.deepEqual(fields, [
    "/channels/1/url",
    "/channels/2/url",
    "/github/org",
    "/github/token",
  ]);
  assert.match(bad.body.detail, /\/channels\/1\/url: "ftp:\/\/x" does not match the pattern/);

  const ok = await call(d, "PUT", "/v1/plugins/nested-config/config", {
    config: {
      github: { token: CANARY },
      channels: [{ url: "https://a.example", key: KEY_CANARY }, { url: "https://b.example" }],
    },
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.config, {
    github: { token: "********", org: "acme" },
    channels: [{ url: "https://a.example", key: "********" }, { url: "https://b.example" }],
    gates: { require_build: true },
  });

  // "********" keeps the stored secret at its path; a plain value changes it.
  const kept = await call(d, "PUT", "/v1/plugins/nested-config/config", {
    config: { ...ok.body.config, github: { token: "********", org: "beta" } },
  });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));

  assert.equal(
    (await call(d, "POST", "/v1/plugins/nested-config/grant", { permissions: {} })).status,
    200,
  );
  assert.equal((await call(d, "POST", "/v1/plugins/nested-config/enable")).status, 200);
  const peek = await call(d, "POST", "/v1/filters/config.peek", {
    data: { token: await sha256(CANARY), keys: await sha256(JSON.stringify([KEY_CANARY, null])) },
  });
  assert.equal(peek.status, 200, JSON.stringify(peek.body));
  assert.deepEqual(peek.body.data, {
    token_ok: true,
    keys_ok: true,
    org: "beta",
    require_build: true,
  });

  const db = await Deno.readFile(join(d.stateDir, "plugd.db"));
  const wal = await Deno.readFile(join(d.stateDir, "plugd.db-wal")).catch(() => new Uint8Array());
  const sweep = [
    new TextDecoder().decode(db),
    new TextDecoder().decode(wal),
    JSON.stringify((await call(d, "GET", "/v1/plugins/nested-config/config")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins/nested-config")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins")).body),
    JSON.stringify((await call(d, "GET", "/v1/audit?limit=1000")).body),
    JSON.stringify((await call(d, "GET", "/v1/plugins/nested-config/logs")).body),
    d.log(),
  ];
  for (const text of sweep) {
    for (const canary of [CANARY, KEY_CANARY]) {
      assert.ok(!text.includes(canary), `${canary} leaked: ${text.slice(0, 200)}`);
    }
  }
});
