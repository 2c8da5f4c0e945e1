/** Registry: resolution (highest compatible, dependency order, conflicts, cycles), build, fetch. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildIndex,
  fetchPackage,
  type IndexVersion,
  type LoadedIndex,
  loadIndex,
  RegistryError,
  resolveInstall,
} from "../../src/registry/mod.ts";
import { extractPackage, PackageError, packPlugin, verifyPackage } from "../../src/signing/mod.ts";
import { newKey, openBench, writePlugin } from "./_helpers.ts";

const SHA = "0".repeat(64);

function v(extra: Partial<IndexVersion> = {}): IndexVersion {
  return {
    url: "x.tgz",
    sha256: SHA,
    plugd: ">=0.1.0",
    build: 1,
    dependencies: {},
    conflicts: [],
    ...extra,
  };
}

function indexOf(plugins: Record<string, Record<string, IndexVersion>>): LoadedIndex {
  const index = { format: 1 as const, plugins: {} as LoadedIndex["index"]["plugins"] };
  for (const [id, versions] of Object.entries(plugins)) {
    index.plugins[id] = { description: id, categories: [], tags: [], versions };
  }
  return { location: "/srv/index.json", index };
}

async function assertRegistryError(
  fn: () => Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof RegistryError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

Deno.test("resolveInstall() picks the highest version matching the range and the host", async () => {
  const idx = indexOf({
    "slack-notify": {
      "1.2.0": v(),
      "1.3.1": v(),
      "1.4.0": v({ plugd: ">=9.0.0" }),
      "2.0.0": v(),
    },
  });
  const plan = await resolveInstall([idx], "slack-notify@^1.2", "0.1.0", new Map());
  assert.deepEqual(plan.map((s) => `${s.id}@${s.version}`), ["slack-notify@1.3.1"]);
  assert.equal(plan[0]!.indexLocation, "/srv/index.json");
});

Deno.test("resolveInstall() skips yanked versions unless named exactly; a bare id and @latest mean the highest stable", async () => {
  const idx = indexOf({
    pa: {
      "0.9.0": v({ deprecated: "use 1.x" }),
      "1.0.0": v(),
      "1.1.0": v({ yanked: true }),
      "1.2.0-beta.1": v(),
    },
  });
  const version = async (ref: string, options = {}) =>
    (await resolveInstall([idx], ref, "0.1.0", new Map(), options))[0]!.version;
  assert.equal(await version("pa"), "1.0.0");
  assert.equal(await version("pa@latest"), "1.0.0");
  assert.equal(await version("pa@1.1.0"), "1.1.0", "an exact version still installs when yanked");
  assert.equal(await version("pa@^1.2.0-beta"), "1.2.0-beta.1");
  const old = await resolveInstall([idx], "pa@0.9.0", "0.1.0", new Map());
  assert.equal(old[0]!.deprecated, "use 1.x");
  const blocked = {
    blocked: (_id: string, v: string) => Promise.resolve(v === "1.0.0" ? "advisory ADV-1" : null),
  };
  assert.equal(await version("pa", blocked), "0.9.0");
  await assertRegistryError(
    () => resolveInstall([idx], "pa@1.0.0", "0.1.0", new Map(), blocked),
    "no_matching_version",
    /skipped: .*1\.0\.0 \(advisory ADV-1\)/,
  );
});

Deno.test("resolveInstall() orders dependencies first and reuses satisfying installed ones", async () => {
  const idx = indexOf({
    app: { "1.0.0": v({ dependencies: { auth: "^1.0.0", store: ">=2.0.0" } }) },
    auth: { "1.1.0": v({ dependencies: { store: "^2.1.0" } }) },
    store: { "2.0.0": v(), "2.2.0": v() },
    logs: { "1.0.0": v() },
  });
  const plan = await resolveInstall([idx], "app", "0.1.0", new Map());
  assert.deepEqual(plan.map((s) => `${s.id}@${s.version}`), [
    "store@2.2.0",
    "auth@1.1.0",
    "app@1.0.0",
  ]);
  assert.equal(plan[0]!.reason, "dependency of auth@1.1.0");
  const withInstalled = await resolveInstall([idx], "app", "0.1.0", new Map([["store", "2.1.5"]]));
  assert.deepEqual(withInstalled.map((s) => s.id), ["auth", "app"]);
});

Deno.test("resolveInstall() reports unknown plugins and lists available versions", async () => {
  const idx = indexOf({ pa: { "1.0.0": v(), "1.1.0": v() } });
  await assertRegistryError(
    () => resolveInstall([idx], "nope", "0.1.0", new Map()),
    "unknown_plugin",
  );
  await assertRegistryError(
    () => resolveInstall([idx], "pa@^2", "0.1.0", new Map()),
    "no_matching_version",
    /available: 1\.1\.0, 1\.0\.0/,
  );
  const hostBound = indexOf({ pa: { "1.0.0": v({ plugd: ">=5.0.0" }) } });
  await assertRegistryError(
    () => resolveInstall([hostBound], "pa", "0.1.0", new Map()),
    "no_compatible_version",
    /needs plugd >=5\.0\.0/,
  );
});

Deno.test("resolveInstall() reports unsatisfiable dependencies", async () => {
  const idx = indexOf({
    app: { "1.0.0": v({ dependencies: { auth: "^3" } }) },
    auth: { "1.0.0": v() },
  });
  await assertRegistryError(
    () => resolveInstall([idx], "app", "0.1.0", new Map()),
    "unsatisfiable_dependency",
    /app@1\.0\.0 depends on auth/,
  );
  const installedOld = indexOf({ app: { "1.0.0": v({ dependencies: { auth: "^2" } }) } });
  await assertRegistryError(
    () => resolveInstall([installedOld], "app", "0.1.0", new Map([["auth", "1.0.0"]])),
    "unsatisfiable_dependency",
    /auth@1\.0\.0 is installed/,
  );
});

Deno.test("resolveInstall() names a dependency cycle", async () => {
  const idx = indexOf({
    pa: { "1.0.0": v({ dependencies: { pb: "*" } }) },
    pb: { "1.0.0": v({ dependencies: { pc: "*" } }) },
    pc: { "1.0.0": v({ dependencies: { pa: "*" } }) },
  });
  await assertRegistryError(
    () => resolveInstall([idx], "pa", "0.1.0", new Map()),
    "dependency_cycle",
    /pa -> pb -> pc -> pa/,
  );
});

Deno.test("resolveInstall() refuses conflicts with installed plugins and within the plan", async () => {
  const idx = indexOf({
    pa: { "1.0.0": v({ conflicts: ["old-slack"] }) },
    pb: { "1.0.0": v({ dependencies: { pc: "*" }, conflicts: ["pc"] }) },
    pc: { "1.0.0": v() },
  });
  await assertRegistryError(
    () => resolveInstall([idx], "pa", "0.1.0", new Map([["old-slack", "1.0.0"]])),
    "conflict",
    /conflicts with old-slack, which is installed/,
  );
  await assertRegistryError(
    () => resolveInstall([idx], "pb", "0.1.0", new Map()),
    "conflict",
    /also in this install plan/,
  );
});

Deno.test("buildIndex() + loadIndex() + fetchPackage(): a plan fetched, digest-checked and verified", async () => {
  await using bench = await openBench();
  const { priv } = await newKey(bench.store);
  const repo = join(bench.root, "repo");
  for (const version of ["1.0.0", "1.1.0"]) {
    await packPlugin(await writePlugin(bench.root, { version }), { key: priv, outDir: repo });
  }
  await Deno.writeTextFile(
    join(repo, "catalog.json"),
    JSON.stringify({ "hello-signed": { categories: ["chat"], tags: ["demo"] } }),
  );
  const index = await buildIndex(repo);
  const entry = index.plugins["hello-signed"]!;
  assert.deepEqual(Object.keys(entry.versions).sort(), ["1.0.0", "1.1.0"]);
  assert.deepEqual(entry.categories, ["chat"]);
  assert.equal(entry.versions["1.1.0"]!.url, "hello-signed-1.1.0.tgz");
  assert.equal(entry.versions["1.1.0"]!.key_id, priv.id);
  await Deno.writeTextFile(join(repo, "index.json"), JSON.stringify(index));

  const loaded = await loadIndex(join(repo, "index.json"));
  const [step] = await resolveInstall([loaded], "hello-signed@^1", "0.1.0", new Map());
  assert.equal(step!.version, "1.1.0");
  const dest = join(bench.root, "fetched.tgz");
  await fetchPackage(step!.entry, step!.indexLocation, dest);
  const { dir } = await extractPackage(dest, join(bench.root, "pkg"));
  const verified = await verifyPackage(bench.store, dir, { dev: false });
  assert.equal(verified.manifest.version, "1.1.0");

  // An archive replaced after indexing is refused before anything reads it.
  await Deno.copyFile(join(repo, "hello-signed-1.0.0.tgz"), join(repo, "hello-signed-1.1.0.tgz"));
  const bad = join(bench.root, "bad.tgz");
  const error = await fetchPackage(step!.entry, step!.indexLocation, bad).then(
    () => null,
    (e) => e,
  );
  assert.ok(error instanceof PackageError);
  assert.equal(error.code, "digest_mismatch");
  await assert.rejects(() => Deno.lstat(bad), Deno.errors.NotFound);
});

Deno.test("loadIndex() over HTTP, and a malformed index is refused clearly", async () => {
  const body = JSON.stringify({ format: 1, plugins: { a: { versions: { "1.0.0": v() } } } });
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/index.json"
        ? new Response(body)
        : new Response(JSON.stringify({ format: 2 })),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const loaded = await loadIndex(`${base}/index.json`);
  assert.deepEqual(loaded.index.plugins.a!.tags, []);
  await assert.rejects(() => loadIndex(`${base}/other.json`), (e: unknown) => {
    assert.ok(e instanceof RegistryError);
    assert.equal(e.code, "index_invalid");
    return true;
  });
});
