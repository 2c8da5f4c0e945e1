import assert from "node:assert/strict";
import { join } from "node:path";
import { BundleError } from "./errors.ts";
import { LOCK_FILE, stagePackage } from "./stage_package.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

// Every dependency here is in deno.lock, so `deno install --frozen` has put it in the npm cache:
// no network is needed.
const FIXTURES = new URL("../../tests/fixtures/npm/", import.meta.url).pathname;

async function withCopy(
  files: Record<string, string>,
  fn: (dir: string, out: string) => Promise<void>,
): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "plugd-bundle-" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(tmp, "src", path, ".."), { recursive: true });
      await Deno.writeTextFile(join(tmp, "src", path), text);
    }
    await fn(join(tmp, "src"), join(tmp, "out"));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.test("stagePackage() bundles npm dependencies into vendor/npm with their integrity", async () => {
  await withCopy({
    "plugin.yaml": `id: yaml-tool
name: YAML Tool
version: 1.0.0
description: Bundles yaml and semver
plugd: ">=0.0.0"
dependencies: { npm: { yaml: "2.9.1", semver: "7.8.6" } }
hooks: [{ filter: y.parse }]
`,
    "main.ts": `import { definePlugin } from "@plugd/sdk";
import YAML, { parseDocument } from "yaml";
import { gt } from "semver";
export default definePlugin({ filters: { "y.parse": (d) => [YAML.parse(String(d)), parseDocument("a").errors, gt("2.0.0", "1.0.0")] } });
`,
  }, async (dir, out) => {
    const staged = await stagePackage(dir, out);
    assert.deepEqual(staged.dependencies.map((d) => `${d.name}@${d.version}`), [
      "semver@7.8.6",
      "yaml@2.9.1",
    ]);
    for (const d of staged.dependencies) {
      assert.match(d.integrity ?? "", /^sha512-/);
      assert.equal(d.license, "ISC");
    }
    const deps = JSON.parse(await Deno.readTextFile(join(out, "vendor/npm/plugd-deps.json")));
    assert.deepEqual(deps.imports, { semver: "./semver.js", yaml: "./yaml.js" });
    for (const f of staged.files.filter((f) => f.endsWith(".js"))) {
      const text = await Deno.readTextFile(join(out, f));
      assert.doesNotMatch(text, /["']npm:/, `${f} still imports npm:`);
    }
    const semver = await Deno.readTextFile(join(out, "vendor/npm/semver.js"));
    assert.match(semver, /as gt\b/, "CommonJS named exports are spelled out");
    assert.ok(await Deno.stat(join(dir, LOCK_FILE)), "the lockfile is written next to plugin.yaml");
    assert.ok(!staged.files.includes(LOCK_FILE), "and is not part of the package");
  });
});

const REFUSED: [string, string, RegExp][] = [
  ["native", "@libsql/linux-x64-gnu", /contains a native addon \(index\.node\)/],
  ["scripts", "esbuild", /has an install script \("postinstall"/],
  ["dynamic", "@neon-rs/load", /@neon-rs\/load@0\.0\.4 loads code dynamically/],
  ["undeclared", "semver", /imports "semver", which is not in dependencies\.npm/],
];

for (const [fixture, dependency, why] of REFUSED) {
  Deno.test(`stagePackage() refuses a dependency it cannot bundle: ${fixture}`, async () => {
    const out = await moduleTempDir("plugd-test-");
    try {
      await assert.rejects(
        () => stagePackage(join(FIXTURES, fixture), join(out, "pkg")),
        (e) => e instanceof BundleError && e.dependency === dependency && why.test(e.message),
      );
    } finally {
      await Deno.remove(out, { recursive: true });
      await Deno.remove(join(FIXTURES, fixture, LOCK_FILE)).catch(() => {});
    }
  });
}
