import assert from "node:assert/strict";
import { normalizeStoredConfigSchema } from "../manifest/mod.ts";
import { parseConfigForm } from "./config_form.ts";

const schema = normalizeStoredConfigSchema({
  url: { type: "string", required: true, secret: true },
  channel: { type: "string", default: "#x" },
  retries: { type: "integer" },
  verbose: { type: "boolean" },
  tags: { type: "array" },
  github: {
    type: "object",
    properties: { token: { type: "string", secret: true }, org: { type: "string" } },
  },
  gates: { type: "object", properties: { level: { type: "integer" } } },
});

Deno.test("parseConfigForm() types values from the schema and keeps an empty secret", () => {
  const parsed = parseConfigForm(schema, {
    "cfg:/url": "",
    "cfg:/channel": "",
    "cfg:/retries": "3",
    "cfg:/verbose": "on",
    "cfg:/tags": '["a"]',
    "cfg:/github/token": "",
    "cfg:/github/org": "acme",
    "cfg:/gates/level": "",
  });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.values, {
    channel: null,
    retries: 3,
    verbose: true,
    tags: ["a"],
    github: { org: "acme" },
    gates: null,
  });
  assert.ok(!("/url" in parsed.echo), "secrets are never echoed");
  assert.equal(parsed.echo["/github/org"], "acme");
});

Deno.test("parseConfigForm() reports bad numbers and JSON by pointer; clear removes a secret", () => {
  const parsed = parseConfigForm(schema, {
    "cfg:/url": "typed",
    "clear:/url": "on",
    "cfg:/retries": "2.5",
    "cfg:/tags": "[",
    "cfg:/gates/level": "x",
    "clear:/github/token": "on",
  });
  assert.deepEqual(parsed.problems.map((p) => p.field), ["/retries", "/tags", "/gates/level"]);
  assert.equal(parsed.values.url, null);
  assert.equal(parsed.values.verbose, false, "an unchecked box is false");
  assert.deepEqual(parsed.values.github, { token: null, org: null });
});
