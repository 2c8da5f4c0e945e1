import assert from "node:assert/strict";
import { ManifestError } from "./errors.ts";
import { LIMIT_DEFAULTS, MAX_MANIFEST_BYTES } from "./constants.ts";
import { parseManifest } from "./parse_manifest.ts";
import { assertAccepted, assertRejections, minimal, problemsOf, valid } from "./_testing.ts";

const SLACK = new URL("../../tests/fixtures/manifests/slack-notify/plugin.yaml", import.meta.url);

Deno.test("parseManifest() accepts the SPEC §4 slack-notify example", async () => {
  const m = parseManifest(await Deno.readTextFile(SLACK));
  assert.equal(m.id, "slack-notify");
  assert.equal(m.entry, "main.ts");
  assert.deepEqual(m.permissions.net, ["hooks.slack.com:443"]);
  assert.deepEqual(m.hooks.map((h) => [h.kind, h.name, h.priority]), [
    ["action", "deployment.post_create", 10],
    ["filter", "notification.format", 10],
    ["gate", "deployment.pre_create", 10],
  ]);
  assert.deepEqual(m.routes, [{ method: "POST", path: "/notify" }]);
  assert.deepEqual(m.cron, [{ name: "digest", schedule: "0 9 * * 1-5" }]);
  assert.equal(m.config.properties.webhook_url?.secret, true);
  assert.equal(m.config.properties.level?.default, "info");
  assert.deepEqual(m.dependencies, { plugins: { "auth-plugin": ">=1.0.0" } });
  assert.deepEqual(m.conflicts, ["other-slack-plugin"]);
});

Deno.test("parseManifest() applies defaults to a minimal manifest", () => {
  const m = valid(minimal({ hooks: [{ action: "a.b" }] }));
  assert.deepEqual(m, {
    id: "test-plugin",
    name: "Test Plugin",
    version: "1.0.0",
    description: "A plugin for tests",
    plugd: ">=0.1.0",
    entry: "main.ts",
    permissions: {},
    hooks: [{ kind: "action", name: "a.b", priority: 10 }],
    routes: [],
    cron: [],
    config: { type: "object", properties: {}, additionalProperties: false },
    limits: { ...LIMIT_DEFAULTS },
    dependencies: { plugins: {} },
    conflicts: [],
  });
});

Deno.test("parseManifest() reports every problem at once", () => {
  const problems = problemsOf(minimal({
    id: "Bad_Id",
    version: "1.0",
    extra: true,
    permissions: { net: [], ffi: ["x"] },
    hooks: [{ action: "ok.one" }, { bogus: "x" }],
    config: { level: { type: "string", enum: ["info"], default: "debug" } },
    limits: { memory_mb: 1_000_000 },
    entry: "../main.ts",
  }));
  const fields = problems.map((p) => p.field);
  for (
    const f of [
      "id",
      "version",
      "extra",
      "permissions.net",
      "permissions.ffi",
      "hooks[1]",
      "hooks[1].bogus",
      "config.level.default",
      "limits.memory_mb",
      "entry",
    ]
  ) assert.ok(fields.includes(f), `missing ${f} in ${fields.join(", ")}`);
  assert.ok(problems.length >= 10);
});

Deno.test("parseManifest() throws ManifestError whose message names the first field", () => {
  let err: unknown;
  try {
    parseManifest("id: x\n");
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ManifestError);
  assert.match(err.message, /^Invalid plugin manifest: id: /);
  assert.equal(err.field, "id");
});

Deno.test("parseManifest() refuses a billion-laughs document quickly", () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "bcdefghijk";
  for (let i = 0; i < names.length; i++) {
    const prev = i === 0 ? "a" : names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  const start = performance.now();
  const problems = problemsOf(lines.join("\n") + "\n");
  assert.ok(performance.now() - start < 1000, "took too long: it must not expand");
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.field, "plugin.yaml");
  assert.match(problems[0]?.message ?? "", /alias/);
});

Deno.test("parseManifest() refuses a manifest over 256 KiB before parsing", () => {
  const text = `description: "${"x".repeat(MAX_MANIFEST_BYTES)}"\n`;
  const problems = problemsOf(text);
  assert.equal(problems[0]?.field, "plugin.yaml");
  assert.match(problems[0]?.message ?? "", /limit is 262144 bytes/);
  // Multi-byte characters count as bytes, not characters.
  const wide = `description: "${"é".repeat(MAX_MANIFEST_BYTES / 2 + 1)}"\n`;
  assert.match(problemsOf(wide)[0]?.message ?? "", /limit is/);
  assert.throws(() => parseManifest("id: x\n", { maxBytes: 3 }), /limit is 3 bytes/);
});

Deno.test("parseManifest() rejects YAML-level problems", () => {
  assertRejections([
    { why: "duplicate key", doc: "id: a\nid: b\n", field: "plugin.yaml", says: "unique" },
    { why: "syntax error", doc: "id: [\n", field: "plugin.yaml", says: "not valid YAML" },
    { why: "two documents", doc: "id: a\n---\nid: b\n", field: "plugin.yaml" },
    { why: "explicit tag", doc: "id: !!binary aGVsbG8=\n", field: "plugin.yaml", says: "tag" },
    { why: "not a mapping", doc: "- a\n- b\n", field: "plugin.yaml", says: "mapping" },
    { why: "empty file", doc: "", field: "plugin.yaml" },
    {
      why: "merge keys are not special",
      doc: "<<: {a: 1}\n",
      field: '["<<"]',
      says: "unknown key",
    },
  ]);
});

Deno.test("parseManifest() validates identity fields", () => {
  const long = "a".repeat(64);
  assertRejections([
    { why: "missing id", doc: { id: undefined }, field: "id", says: "is required" },
    { why: "uppercase id", doc: { id: "Slack" }, field: "id", says: "lowercase" },
    { why: "one-char id", doc: { id: "a" }, field: "id" },
    { why: "leading dash", doc: { id: "-ab" }, field: "id" },
    { why: "long id", doc: { id: long }, field: "id" },
    { why: "numeric id", doc: { id: 42 }, field: "id", says: "must be a string" },
    { why: "missing name", doc: { name: undefined }, field: "name" },
    { why: "empty name", doc: { name: " " }, field: "name", says: "empty" },
    { why: "multi-line name", doc: { name: "a\nb" }, field: "name", says: "single line" },
    { why: "missing description", doc: { description: undefined }, field: "description" },
    { why: "missing version", doc: { version: undefined }, field: "version" },
    { why: "number version", doc: "version: 1.2\n", field: "version", says: "quote" },
    { why: "partial version", doc: { version: "1.2" }, field: "version", says: "semver" },
    { why: "v-prefixed version", doc: { version: "v1.2.0" }, field: "version" },
    { why: "author not string", doc: { author: ["x"] }, field: "author" },
    { why: "license not string", doc: { license: 1 }, field: "license" },
    { why: "missing plugd", doc: { plugd: undefined }, field: "plugd" },
    { why: "bad plugd range", doc: { plugd: "not a range" }, field: "plugd", says: "range" },
    { why: "unknown top key", doc: { homepage: "x" }, field: "homepage", says: "conflicts" },
  ]);
});

Deno.test("parseManifest() validates entry", () => {
  assertRejections([
    { why: "absolute", doc: { entry: "/etc/main.ts" }, field: "entry", says: "absolute" },
    { why: "traversal", doc: { entry: "../main.ts" }, field: "entry", says: ".." },
    { why: "inner traversal", doc: { entry: "src/../../x.ts" }, field: "entry", says: ".." },
    { why: "bad extension", doc: { entry: "main.py" }, field: "entry", says: ".ts" },
    { why: "no extension", doc: { entry: "main" }, field: "entry" },
    { why: "url", doc: { entry: "https://x.test/a.ts" }, field: "entry" },
    { why: "backslash", doc: { entry: "src\\main.ts" }, field: "entry" },
    { why: "dot segment", doc: { entry: "./main.ts" }, field: "entry" },
    { why: "empty", doc: { entry: "" }, field: "entry" },
    { why: "not a string", doc: { entry: 5 }, field: "entry" },
  ]);
  assertAccepted([
    ["nested ts", { entry: "src/main.ts" }],
    ["mjs", { entry: "mod.mjs" }],
    ["tsx", { entry: "a/b/c.tsx" }],
  ]);
});
