import assert from "node:assert/strict";
import {
  isSealed,
  openConfig,
  redactConfig,
  REDACTED,
  sealConfig,
  sealedValues,
} from "./config_secrets.ts";
import { SecretDecryptError } from "./errors.ts";

const SCHEMA = {
  properties: {
    webhook_url: { secret: true },
    api_key: { secret: true },
    channel: {},
    github: { properties: { token: { secret: true }, org: {} } },
    hooks: { items: { properties: { key: { secret: true } } } },
  },
};

async function newKey(): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "AES-GCM" },
    false,
    ["encrypt", "decrypt"],
  );
}

Deno.test("sealConfig() encrypts only secret fields and openConfig() restores them", async () => {
  const key = await newKey();
  const values = { webhook_url: "https://hooks.slack.com/a", channel: "#ops" };
  const stored = await sealConfig(key, "slack", SCHEMA, values);
  assert.ok(isSealed(stored.webhook_url));
  assert.equal(stored.channel, "#ops");
  const text = JSON.stringify(stored);
  assert.ok(!text.includes("hooks.slack.com"), "no plaintext secret in the stored JSON");
  assert.deepEqual(await openConfig(key, "slack", JSON.parse(text)), values);
});

Deno.test("openConfig() fails when a sealed value is moved to another field", async () => {
  const key = await newKey();
  const stored = await sealConfig(key, "slack", SCHEMA, { webhook_url: "a", api_key: "b" });
  const swapped = { webhook_url: stored.api_key, api_key: stored.webhook_url };
  await assert.rejects(() => openConfig(key, "slack", swapped), SecretDecryptError);
  await assert.rejects(() => openConfig(key, "other", stored), SecretDecryptError);
});

Deno.test("redactConfig() shows set secrets as ******** and keeps absent ones absent", () => {
  const shown = redactConfig(SCHEMA, { webhook_url: "x", channel: "#ops", api_key: null });
  assert.deepEqual(shown, { webhook_url: REDACTED, channel: "#ops", api_key: null });
  assert.deepEqual(redactConfig({}, { old: { $enc: "v1:abc" } }), { old: REDACTED });
});

Deno.test("sealConfig() refuses a non-string secret", async () => {
  await assert.rejects(
    () => sealConfig(crypto.subtle as unknown as CryptoKey, "p", SCHEMA, { api_key: 5 }),
    TypeError,
  );
});

Deno.test("secrets at any depth are sealed, bound to their path, opened and redacted", async () => {
  const key = await newKey();
  const values = {
    channel: "#ops",
    github: { token: "ghp_canary", org: "acme" },
    // Long canaries: a 2-letter one ("k0") turns up in random base64 ciphertext now and then.
    hooks: [{ key: "hook-key-0-canary", url: "https://a" }, { key: "hook-key-1-canary" }],
  };
  const stored = await sealConfig(key, "ci", SCHEMA, values);
  const text = JSON.stringify(stored);
  for (const plain of ["ghp_canary", "hook-key-0-canary", "hook-key-1-canary"]) {
    assert.ok(!text.includes(plain), plain);
  }
  assert.deepEqual(sealedValues(stored).map((s) => s.path), [
    "github/token",
    "hooks/0/key",
    "hooks/1/key",
  ]);
  assert.deepEqual(await openConfig(key, "ci", stored), values);
  const hooks = stored.hooks as Record<string, unknown>[];
  const swapped = { ...stored, hooks: [hooks[1], hooks[0]] };
  await assert.rejects(() => openConfig(key, "ci", swapped), SecretDecryptError);
  assert.deepEqual(redactConfig(SCHEMA, values), {
    channel: "#ops",
    github: { token: REDACTED, org: "acme" },
    hooks: [{ key: REDACTED, url: "https://a" }, { key: REDACTED }],
  });
});
