import assert from "node:assert/strict";
import { join } from "node:path";
import { loadMasterKey } from "./master_key.ts";
import { decryptSecret, encryptSecret } from "./cipher.ts";
import { MasterKeyError } from "./errors.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "plugd-secrets-" });
}

Deno.test("loadMasterKey() creates a 32-byte key file with mode 0600 and reuses it", async () => {
  const dir = await tempDir();
  const path = join(dir, "state", "master.key");
  const key = await loadMasterKey(path);
  const info = await Deno.stat(path);
  assert.equal(info.size, 32);
  assert.equal(info.mode! & 0o777, 0o600);
  const blob = await encryptSecret(key, "s3cret", "plugin:a:b");
  const again = await loadMasterKey(path);
  assert.equal(await decryptSecret(again, blob, "plugin:a:b"), "s3cret");
  assert.deepEqual((await Array.fromAsync(Deno.readDir(join(dir, "state")))).map((e) => e.name), [
    "master.key",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadMasterKey() refuses a key file the group or others can read", async () => {
  const dir = await tempDir();
  const path = join(dir, "master.key");
  await Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(32)));
  await Deno.chmod(path, 0o640);
  await assert.rejects(() => loadMasterKey(path), (e: Error) => {
    assert.ok(e instanceof MasterKeyError);
    assert.match(e.message, /chmod 600/);
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadMasterKey() reads a read-only credential as hex or base64 text", async () => {
  const dir = await tempDir();
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const hexPath = join(dir, "hex.key");
  const b64Path = join(dir, "b64.key");
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(hexPath, hex + "\n", { mode: 0o400 });
  await Deno.writeTextFile(b64Path, btoa(String.fromCharCode(...bytes)) + "\n", { mode: 0o400 });
  await Deno.chmod(hexPath, 0o400);
  await Deno.chmod(b64Path, 0o400);
  const a = await loadMasterKey(hexPath);
  const b = await loadMasterKey(b64Path);
  const blob = await encryptSecret(a, "same key", "aad");
  assert.equal(await decryptSecret(b, blob, "aad"), "same key");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadMasterKey() refuses a key of the wrong length and says not to replace it", async () => {
  const dir = await tempDir();
  const path = join(dir, "master.key");
  await Deno.writeFile(path, new Uint8Array(16), { mode: 0o600 });
  await assert.rejects(() => loadMasterKey(path), /not 32 bytes.*Restore it from backup/s);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadMasterKey() explains how to provide a key when it cannot create one", async () => {
  // /proc accepts no new files, not even from root: like a read-only credentials folder.
  await assert.rejects(
    () => loadMasterKey("/proc/plugd-master.key"),
    (e: Error) => e instanceof MasterKeyError && /LoadCredential/.test(e.message),
  );
});
