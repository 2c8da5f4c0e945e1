/**
 * The golden corpus: one legitimate signed package and every way to tamper with it, each
 * refused with its own PackageError code.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  canonicalJson,
  extractPackage,
  PackageError,
  packPlugin,
  recordInstalledBuild,
  revokeKey,
  signBytes,
  verifyPackage,
} from "../../src/signing/mod.ts";
import type { Store } from "../../src/store/mod.ts";
import { newKey, openBench, repack, unpackRaw, writePlugin } from "./_helpers.ts";

async function extractAndVerify(
  store: Store,
  tgz: string,
  root: string,
  options: { dev?: boolean; allowDowngrade?: boolean } = {},
) {
  const dest = await Deno.makeTempDir({ dir: root, prefix: "x-" });
  const { dir } = await extractPackage(tgz, join(dest, "pkg"));
  return await verifyPackage(store, dir, { dev: options.dev ?? false, ...options });
}

async function assertCode(promise: Promise<unknown>, code: string): Promise<PackageError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof PackageError, `expected PackageError ${code}, got ${error}`);
  assert.equal(error.name, "PackageError");
  assert.equal(error.code, code, error.message);
  return error;
}

/** Packs the fixture signed with a trusted key, then lets `tamper` edit `package/`. */
async function tampered(
  root: string,
  store: Store,
  tamper: (pkg: string) => Promise<void>,
): Promise<string> {
  const { priv } = await newKey(store);
  const src = await writePlugin(root);
  const { path } = await packPlugin(src, { key: priv, outDir: join(root, "out") });
  const staging = await unpackRaw(path, root);
  await tamper(join(staging, "package"));
  return await repack(staging, join(root, "tampered.tgz"));
}

Deno.test("a valid signed package is accepted with its key id and signed manifest", async () => {
  await using bench = await openBench();
  const { priv, pub } = await newKey(bench.store, { allowed_ids: ["hello-*"] });
  const src = await writePlugin(bench.root);
  const packed = await packPlugin(src, { key: priv, outDir: bench.root, build: 7 });
  assert.match(packed.path, /hello-signed-1\.0\.0\.tgz$/);
  const verified = await extractAndVerify(bench.store, packed.path, bench.root);
  assert.equal(verified.keyId, pub.id);
  assert.equal(verified.manifest.id, "hello-signed");
  assert.equal(verified.manifest.build, 7);
  assert.deepEqual(verified.manifest.permissions, { net: ["api.example.com:443"] });
  assert.deepEqual(Object.keys(verified.manifest.files), [
    "lib/greet.ts",
    "main.ts",
    "plugin.yaml",
  ]);
});

Deno.test("one byte flipped in a file -> digest_mismatch", async () => {
  await using bench = await openBench();
  const tgz = await tampered(bench.root, bench.store, async (pkg) => {
    const bytes = await Deno.readFile(join(pkg, "lib/greet.ts"));
    bytes[10]! ^= 0x01;
    await Deno.writeFile(join(pkg, "lib/greet.ts"), bytes);
  });
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "digest_mismatch");
});

Deno.test("an extra file -> unlisted_file", async () => {
  await using bench = await openBench();
  const tgz = await tampered(bench.root, bench.store, async (pkg) => {
    await Deno.writeTextFile(join(pkg, "backdoor.ts"), "Deno.exit(1);\n");
  });
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "unlisted_file");
});

Deno.test("a missing file -> missing_file", async () => {
  await using bench = await openBench();
  const tgz = await tampered(bench.root, bench.store, async (pkg) => {
    await Deno.remove(join(pkg, "lib/greet.ts"));
  });
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "missing_file");
});

Deno.test("permissions widened in plugin.yaml without re-signing -> permissions_mismatch", async () => {
  await using bench = await openBench();
  const tgz = await tampered(bench.root, bench.store, async (pkg) => {
    const yaml = await Deno.readTextFile(join(pkg, "plugin.yaml"));
    await Deno.writeTextFile(
      join(pkg, "plugin.yaml"),
      yaml.replace('["api.example.com:443"]', '["api.example.com:443","evil.example.net"]'),
    );
  });
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "permissions_mismatch");
});

Deno.test("a key that is not trusted -> untrusted_key", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(); // never trusted
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { key: priv, outDir: bench.root });
  const error = await assertCode(extractAndVerify(bench.store, path, bench.root), "untrusted_key");
  assert.match(error.message, /plugd key trust/);
});

Deno.test("a revoked key -> revoked_key", async () => {
  await using bench = await openBench();
  const { priv, pub } = await newKey(bench.store);
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { key: priv, outDir: bench.root });
  await revokeKey(bench.store, pub.id, "test");
  await assertCode(extractAndVerify(bench.store, path, bench.root), "revoked_key");
});

Deno.test("an expired key -> expired_key", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(bench.store, { expires_at: "2020-01-01T00:00:00Z" });
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { key: priv, outDir: bench.root });
  await assertCode(extractAndVerify(bench.store, path, bench.root), "expired_key");
});

Deno.test("a key not allowed to sign this plugin id -> key_not_allowed", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(bench.store, { allowed_ids: ["acme-*"] });
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { key: priv, outDir: bench.root });
  await assertCode(extractAndVerify(bench.store, path, bench.root), "key_not_allowed");
});

Deno.test("a signed manifest claiming another plugin id -> id_mismatch", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(bench.store, { allowed_ids: ["acme-*"] });
  const src = await writePlugin(bench.root);
  const { path, manifest } = await packPlugin(src, { outDir: bench.root });
  const staging = await unpackRaw(path, bench.root);
  // The key holder signs a manifest naming an id it may sign, over files of another plugin.
  const forged = new TextEncoder().encode(canonicalJson({ ...manifest, id: "acme-tool" }));
  await Deno.writeFile(join(staging, "package/.plugd/manifest.json"), forged);
  await Deno.writeTextFile(
    join(staging, "package/.plugd/signature.json"),
    JSON.stringify({ key_id: priv.id, alg: "Ed25519", sig: await signBytes(priv, forged) }),
  );
  const tgz = await repack(staging, join(bench.root, "forged.tgz"));
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "id_mismatch");
});

Deno.test("a manifest edited after signing -> signature_invalid", async () => {
  await using bench = await openBench();
  const tgz = await tampered(bench.root, bench.store, async (pkg) => {
    const path = join(pkg, ".plugd/manifest.json");
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(path)).replace('"build":', '"build":1'),
    );
  });
  await assertCode(extractAndVerify(bench.store, tgz, bench.root), "signature_invalid");
});

Deno.test("a lower build than the highest installed -> downgrade, unless allowed", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(bench.store);
  const src = await writePlugin(bench.root);
  const newer = await packPlugin(src, { key: priv, outDir: join(bench.root, "b200"), build: 200 });
  const older = await packPlugin(src, { key: priv, outDir: join(bench.root, "b100"), build: 100 });
  const installed = await extractAndVerify(bench.store, newer.path, bench.root);
  await bench.store.write(() => ({
    statements: [recordInstalledBuild(installed.manifest, installed.keyId)],
  }));
  const error = await assertCode(
    extractAndVerify(bench.store, older.path, bench.root),
    "downgrade",
  );
  assert.match(error.message, /build 100 is older than 1\.0\.0 build 200/);
  const again = await extractAndVerify(bench.store, newer.path, bench.root);
  assert.equal(again.manifest.build, 200, "re-installing the same build is fine");
  const forced = await extractAndVerify(bench.store, older.path, bench.root, {
    allowDowngrade: true,
  });
  assert.equal(forced.manifest.build, 100);
});

Deno.test("an unsigned package is refused outside dev mode and accepted in dev mode", async () => {
  await using bench = await openBench();
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { outDir: bench.root });
  const error = await assertCode(extractAndVerify(bench.store, path, bench.root), "unsigned");
  assert.match(error.message, /plugd plugin pack --sign KEY/);
  assert.match(error.message, /--dev/);
  const dev = await extractAndVerify(bench.store, path, bench.root, { dev: true });
  assert.equal(dev.keyId, null);
  assert.equal(dev.manifest.id, "hello-signed");
});

Deno.test("dev mode still checks digests of an unsigned package's manifest", async () => {
  await using bench = await openBench();
  const src = await writePlugin(bench.root);
  const { path } = await packPlugin(src, { outDir: bench.root });
  const staging = await unpackRaw(path, bench.root);
  await Deno.writeTextFile(join(staging, "package/main.ts"), "// changed\n");
  const tgz = await repack(staging, join(bench.root, "dev.tgz"));
  await assertCode(
    extractAndVerify(bench.store, tgz, bench.root, { dev: true }),
    "digest_mismatch",
  );
});
