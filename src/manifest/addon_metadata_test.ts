import assert from "node:assert/strict";
import { addonMetadataProblems } from "./addon_metadata.ts";
import { minimal, valid } from "./_testing.ts";

const manifest = valid(minimal({
  kind: "system",
  provides: ["database"],
  conflicts: ["other-db"],
  dependencies: { plugins: { "base-tools": ">=1.0.0" } },
}));

Deno.test("addonMetadataProblems() accepts metadata that says what plugin.yaml says", () => {
  assert.deepEqual(
    addonMetadataProblems(manifest, {
      name: "test-plugin",
      display_name: "Test Plugin",
      version: "1.0.0",
      description: "A plugin for tests",
      category: "database",
      depends: ["base-tools"],
      provides: ["database"],
      conflicts: ["other-db"],
    }),
    [],
  );
});

Deno.test("addonMetadataProblems() names each field that disagrees", () => {
  const problems = addonMetadataProblems(manifest, {
    name: "postgres",
    version: "2.0.0",
    depends: [],
    provides: ["database", "extra"],
    conflicts: "other-db",
  });
  assert.deepEqual(problems.map((p) => p.field), [
    "addon_metadata.name",
    "addon_metadata.version",
    "addon_metadata.depends",
    "addon_metadata.provides",
    "addon_metadata.conflicts",
  ]);
  assert.match(problems[1]!.message, /"2\.0\.0" differs from version "1\.0\.0"/);
  assert.deepEqual(addonMetadataProblems(manifest, "not json").map((p) => p.field), [
    "addon_metadata",
  ]);
});
