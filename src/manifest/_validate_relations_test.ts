/** Manifest `dependencies` and `conflicts`: ids, ranges, self-references and overlaps. */
import { assertAccepted, assertRejections } from "./_testing.ts";

Deno.test("dependencies and conflicts: ids, ranges, self and overlaps", () => {
  assertAccepted([["both", {
    dependencies: { plugins: { "auth-plugin": "^1.2.0" } },
    conflicts: ["old-one"],
  }]]);
  assertRejections([
    {
      why: "unknown key",
      doc: { dependencies: { system: {} } },
      field: "dependencies.system",
      says: "plugins",
    },
    {
      why: "bad id",
      doc: { dependencies: { plugins: { Auth: ">=1" } } },
      field: "dependencies.plugins.Auth",
      says: "plugin id",
    },
    {
      why: "bad range",
      doc: { dependencies: { plugins: { auth: "latest" } } },
      field: "dependencies.plugins.auth",
      says: "semver range",
    },
    {
      why: "range number",
      doc: { dependencies: { plugins: { auth: 1 } } },
      field: "dependencies.plugins.auth",
    },
    {
      why: "self",
      doc: { dependencies: { plugins: { "test-plugin": ">=1" } } },
      field: "dependencies.plugins.test-plugin",
      says: "itself",
    },
    {
      why: "plugins list",
      doc: { dependencies: { plugins: ["auth"] } },
      field: "dependencies.plugins",
    },
    { why: "conflicts not list", doc: { conflicts: "x" }, field: "conflicts" },
    { why: "conflict bad id", doc: { conflicts: ["Nope"] }, field: "conflicts[0]" },
    {
      why: "conflict self",
      doc: { conflicts: ["test-plugin"] },
      field: "conflicts[0]",
      says: "itself",
    },
    { why: "conflict dup", doc: { conflicts: ["ab", "ab"] }, field: "conflicts[1]", says: "twice" },
    {
      why: "conflict and dependency",
      doc: { dependencies: { plugins: { ab: "*" } }, conflicts: ["ab"] },
      field: "conflicts[0]",
      says: "dependency",
    },
  ]);
});
