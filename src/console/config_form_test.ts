import assert from "node:assert/strict";
import { parseConfigForm } from "./config_form.ts";
import type { ConfigFieldView } from "./types.ts";

const schema: Record<string, ConfigFieldView> = {
  url: { type: "string", required: true, secret: true },
  channel: { type: "string", default: "#x" },
  retries: { type: "integer" },
  verbose: { type: "boolean" },
  tags: { type: "array" },
};

Deno.test("parseConfigForm() types values from the schema and keeps an empty secret", () => {
  const parsed = parseConfigForm(schema, {
    "cfg:url": "",
    "cfg:channel": "",
    "cfg:retries": "3",
    "cfg:verbose": "on",
    "cfg:tags": '["a"]',
  });
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.values, { channel: null, retries: 3, verbose: true, tags: ["a"] });
  assert.ok(!("url" in parsed.echo), "secrets are never echoed");
});

Deno.test("parseConfigForm() reports bad numbers and JSON per field; clear removes a secret", () => {
  const parsed = parseConfigForm(schema, {
    "cfg:url": "typed",
    "clear:url": "on",
    "cfg:retries": "2.5",
    "cfg:tags": "[",
  });
  assert.deepEqual(parsed.problems.map((p) => p.field), ["retries", "tags"]);
  assert.equal(parsed.values.url, null);
  assert.equal(parsed.values.verbose, false, "an unchecked box is false");
});
