import assert from "node:assert/strict";
import { decryptSecret, encryptSecret, SECRET_PREFIX, secretAad } from "./cipher.ts";
import { SecretDecryptError } from "./errors.ts";

async function newKey(): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "AES-GCM" },
    false,
    ["encrypt", "decrypt"],
  );
}

Deno.test("encryptSecret() round-trips through decryptSecret() with the same AAD", async () => {
  const key = await newKey();
  const aad = secretAad("slack-notify", "webhook_url");
  assert.equal(aad, "plugin:slack-notify:webhook_url");
  const blob = await encryptSecret(key, "https://hooks.slack.com/x ✓", aad);
  assert.ok(blob.startsWith(SECRET_PREFIX));
  assert.equal(await decryptSecret(key, blob, aad), "https://hooks.slack.com/x ✓");
});

Deno.test("encryptSecret() uses a fresh IV each time", async () => {
  const key = await newKey();
  const a = await encryptSecret(key, "same", "aad");
  const b = await encryptSecret(key, "same", "aad");
  assert.notEqual(a, b);
});

Deno.test("decryptSecret() fails when the ciphertext is moved to another field (AAD)", async () => {
  const key = await newKey();
  const blob = await encryptSecret(key, "token", secretAad("p", "api_key"));
  await assert.rejects(
    () => decryptSecret(key, blob, secretAad("p", "other_field")),
    (e: Error) => e instanceof SecretDecryptError && /moved from another field/.test(e.message),
  );
  await assert.rejects(() => decryptSecret(key, blob, secretAad("other-plugin", "api_key")));
});

Deno.test("decryptSecret() fails on a tampered ciphertext", async () => {
  const key = await newKey();
  const aad = secretAad("p", "f");
  const blob = await encryptSecret(key, "token", aad);
  const bytes = Uint8Array.from(atob(blob.slice(3)), (c) => c.charCodeAt(0));
  bytes[bytes.length - 20]! ^= 1;
  const tampered = "v1:" + btoa(String.fromCharCode(...bytes));
  await assert.rejects(() => decryptSecret(key, tampered, aad), SecretDecryptError);
});

Deno.test("decryptSecret() fails under another key, and on malformed blobs", async () => {
  const blob = await encryptSecret(await newKey(), "token", "aad");
  const other = await newKey();
  await assert.rejects(() => decryptSecret(other, blob, "aad"), SecretDecryptError);
  for (const bad of ["token", "v1:", "v1:!!!", "v1:" + btoa("short"), "v2:" + blob.slice(3)]) {
    await assert.rejects(() => decryptSecret(other, bad, "aad"), SecretDecryptError, bad);
  }
});
