import assert from "node:assert/strict";
import { normalizeStoredConfigSchema } from "../manifest/mod.ts";
import { parseConfigText, validateConfigValues } from "./config_values.ts";

// The flat form of plugd 0.1, converted as a stored manifest's schema is.
const SCHEMA = normalizeStoredConfigSchema({
  webhook_url: { type: "string", required: true, secret: true, pattern: "^https://" },
  channel: { type: "string", default: "#deployments", min: 2, max: 20 },
  level: { type: "string", enum: ["info", "warning", "error"], default: "info" },
  retries: { type: "integer", min: 0, max: 5 },
  ratio: { type: "number", min: 0, max: 1 },
  enabled: { type: "boolean" },
  tags: { type: "array", max: 2 },
  extra: { type: "object" },
  github: {
    type: "object",
    properties: { token: { type: "string", secret: true }, org: { type: "string" } },
  },
  hooks: {
    type: "array",
    items: {
      type: "object",
      required: ["url"],
      properties: { url: { type: "string", format: "uri" }, key: { type: "string", secret: true } },
    },
  },
});
const URL_OK = "https://hooks.slack.com/x";

const CASES: {
  name: string;
  values: unknown;
  previous?: Record<string, unknown>;
  problems: [string, RegExp][];
  expect?: Record<string, unknown>;
}[] = [
  {
    name: "applies defaults",
    values: { webhook_url: URL_OK },
    problems: [],
    expect: { webhook_url: URL_OK, channel: "#deployments", level: "info" },
  },
  { name: "missing required", values: {}, problems: [["/webhook_url", /is required/]] },
  {
    name: "null clears to required",
    values: { webhook_url: null },
    problems: [["/webhook_url", /required/]],
  },
  {
    name: "redacted secret keeps previous",
    values: { webhook_url: "********" },
    previous: { webhook_url: URL_OK },
    problems: [],
    expect: { webhook_url: URL_OK, channel: "#deployments", level: "info" },
  },
  {
    name: "omitted secret keeps previous",
    values: { channel: "#ops" },
    previous: { webhook_url: URL_OK, channel: "#old" },
    problems: [],
    expect: { webhook_url: URL_OK, channel: "#ops", level: "info" },
  },
  {
    name: "null overrides a non-secret default back to default",
    values: { webhook_url: URL_OK, channel: null },
    problems: [],
    expect: { webhook_url: URL_OK, channel: "#deployments", level: "info" },
  },
  { name: "pattern", values: { webhook_url: "http://x" }, problems: [["/webhook_url", /pattern/]] },
  {
    name: "string type",
    values: { webhook_url: 5 },
    problems: [["/webhook_url", /must be a string/]],
  },
  {
    name: "enum",
    values: { webhook_url: URL_OK, level: "debug" },
    problems: [["/level", /one of/]],
  },
  {
    name: "string min length",
    values: { webhook_url: URL_OK, channel: "#" },
    problems: [["/channel", /at least 2 characters/]],
  },
  {
    name: "string max length",
    values: { webhook_url: URL_OK, channel: "#".repeat(21) },
    problems: [["/channel", /at most 20/]],
  },
  {
    name: "integer type",
    values: { webhook_url: URL_OK, retries: 1.5 },
    problems: [["/retries", /integer/]],
  },
  {
    name: "integer range",
    values: { webhook_url: URL_OK, retries: 6 },
    problems: [["/retries", /at most 5/]],
  },
  {
    name: "number range",
    values: { webhook_url: URL_OK, ratio: -0.1 },
    problems: [["/ratio", /at least 0/]],
  },
  {
    name: "number type",
    values: { webhook_url: URL_OK, ratio: "0.5" },
    problems: [["/ratio", /number/]],
  },
  {
    name: "boolean type",
    values: { webhook_url: URL_OK, enabled: "yes" },
    problems: [["/enabled", /boolean/]],
  },
  {
    name: "array items",
    values: { webhook_url: URL_OK, tags: [1, 2, 3] },
    problems: [["/tags", /at most 2 items/]],
  },
  {
    name: "object type",
    values: { webhook_url: URL_OK, extra: [] },
    problems: [["/extra", /object/]],
  },
  {
    name: "unknown key",
    values: { webhook_url: URL_OK, chanel: "#x" },
    problems: [["/chanel", /not a setting.*channel/]],
  },
  { name: "not an object", values: [1], problems: [["", /JSON object/]] },
  {
    name: "nested problems are named by their JSON pointer",
    values: { webhook_url: URL_OK, github: { org: 5, nope: 1 }, hooks: [{ url: "https://a" }, {}] },
    problems: [
      ["/github/org", /must be a string/],
      ["/github/nope", /not a setting here; known settings: token, org/],
      ["/hooks/1/url", /is required/],
    ],
  },
  {
    name: "nested secrets keep their previous value when redacted or omitted",
    values: {
      webhook_url: "********",
      github: { org: "acme" },
      hooks: [{ url: "https://a", key: "********" }, { url: "https://b", key: "new" }],
    },
    previous: {
      webhook_url: URL_OK,
      github: { token: "t0", org: "old" },
      hooks: [{ url: "https://z", key: "k0" }, { url: "https://y", key: "k1" }],
    },
    problems: [],
    expect: {
      webhook_url: URL_OK,
      channel: "#deployments",
      level: "info",
      github: { org: "acme", token: "t0" },
      hooks: [{ url: "https://a", key: "k0" }, { url: "https://b", key: "new" }],
    },
  },
  {
    name: "reports every problem",
    values: { level: "x", retries: -1, nope: 1 },
    problems: [["/nope", /not a setting/], ["/webhook_url", /required/], ["/level", /one of/], [
      "/retries",
      /at least 0/,
    ]],
  },
];

for (const c of CASES) {
  Deno.test(`validateConfigValues(): ${c.name}`, () => {
    const { values, problems } = validateConfigValues(SCHEMA, c.values, c.previous);
    assert.equal(problems.length, c.problems.length, JSON.stringify(problems));
    const sorted = problems.toSorted((a, b) => a.field.localeCompare(b.field));
    c.problems.toSorted((a, b) => a[0].localeCompare(b[0])).forEach(([field, message], i) => {
      assert.equal(sorted[i]!.field, field);
      assert.match(sorted[i]!.message, message);
    });
    if (c.expect) assert.deepEqual(values, c.expect);
  });
}

Deno.test("validateConfigValues() does not share default objects between results", () => {
  const schema = normalizeStoredConfigSchema({ list: { type: "array", default: ["a"] } });
  const first = validateConfigValues(schema, {}).values.list as string[];
  first.push("b");
  assert.deepEqual(validateConfigValues(schema, {}).values.list, ["a"]);
});

Deno.test("parseConfigText() converts command-line text to the field's type", () => {
  assert.equal(parseConfigText({ type: "integer" }, "5"), 5);
  assert.equal(parseConfigText({ type: "number" }, "0.5"), 0.5);
  assert.equal(parseConfigText({ type: "number" }, ""), "");
  assert.equal(parseConfigText({ type: "boolean" }, "true"), true);
  assert.equal(parseConfigText({ type: "boolean" }, "maybe"), "maybe");
  assert.deepEqual(parseConfigText({ type: "array" }, '["a"]'), ["a"]);
  assert.equal(parseConfigText({ type: "object" }, "{bad"), "{bad");
  assert.equal(parseConfigText({ type: "string" }, "42"), "42");
});
