import assert from "node:assert/strict";
import { configProblems, withConfigDefaults } from "./config_problems.ts";
import type { ConfigSchema } from "./config_schema.ts";
import { valid } from "./_testing.ts";
import { minimal } from "./_testing.ts";

const schema = valid(minimal({
  config: {
    type: "object",
    required: ["channels"],
    properties: {
      token: { type: "string", secret: true },
      channels: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          required: ["url"],
          properties: {
            url: { type: "string", format: "uri", pattern: "^https://" },
            level: { type: "string", enum: ["info", "error"], default: "info" },
          },
        },
      },
      retries: { type: "integer", minimum: 0, maximum: 5, default: 2 },
      gates: {
        type: "object",
        properties: { require_build: { type: "boolean", default: true } },
      },
    },
  },
})).config;

Deno.test("configProblems() names every problem by its JSON pointer", () => {
  const problems = configProblems(schema, {
    channels: [{ url: "https://ok" }, {}, { url: "ftp://x", level: "debug" }],
    retries: 9,
    extra: 1,
  });
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
  assert.match(byField["/channels/1/url"]!, /is required \(string\)/);
  assert.match(byField["/channels/2/url"]!, /does not match the pattern \^https:\/\//);
  assert.match(byField["/channels/2/level"]!, /must be one of "info", "error"; got "debug"/);
  assert.match(byField["/retries"]!, /at most 5; got 9/);
  assert.match(byField["/extra"]!, /not a setting of this plugin; known settings: token/);
  assert.equal(problems.length, 5, JSON.stringify(problems));
});

Deno.test("configProblems() reports a missing required setting and wrong types", () => {
  assert.deepEqual(configProblems(schema, {}), [
    { field: "/channels", message: "is required (array)" },
  ]);
  const [p] = configProblems(schema, { channels: "x" });
  assert.deepEqual(p, { field: "/channels", message: 'must be an array; got "x"' });
  assert.deepEqual(configProblems(schema, { channels: [{ url: "https://a" }] }), []);
});

Deno.test("configProblems() checks formats", () => {
  const s: ConfigSchema = {
    type: "object",
    properties: { at: { type: "string", format: "date-time" } },
  };
  assert.equal(configProblems(s, { at: "2026-11-22T10:00:00Z" }).length, 0);
  assert.match(configProblems(s, { at: "yesterday" })[0]!.message, /not a valid date-time/);
});

Deno.test("withConfigDefaults() fills defaults at any depth, creating objects only when needed", () => {
  assert.deepEqual(withConfigDefaults(schema, { channels: [{ url: "https://a" }] }), {
    channels: [{ url: "https://a", level: "info" }],
    retries: 2,
    gates: { require_build: true },
  });
  assert.deepEqual(
    withConfigDefaults(schema, { channels: [], retries: 0, gates: { require_build: false } }),
    { channels: [], retries: 0, gates: { require_build: false } },
  );
});
