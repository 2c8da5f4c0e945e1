import assert from "node:assert/strict";
import { LIMIT_CEILINGS, LIMIT_FLOORS } from "./constants.ts";
import { assertAccepted, assertRejections, minimal, valid } from "./_testing.ts";

const cfg = (name: string, field: unknown) => ({ config: { [name]: field } });

Deno.test("config: accepts typed fields with matching defaults", () => {
  assertAccepted([
    ["string", cfg("channel", { type: "string", default: "#deployments", min: 1, max: 80 })],
    [
      "secret",
      cfg("webhook_url", { type: "string", required: true, secret: true, pattern: "^https://" }),
    ],
    ["enum", cfg("level", { type: "string", enum: ["info", "error"], default: "info" })],
    ["integer", cfg("retries", { type: "integer", min: -1, max: 10, default: 3 })],
    ["number", cfg("ratio", { type: "number", min: 0.5, max: 1.5, default: 1 })],
    ["boolean", cfg("on", { type: "boolean", default: false, description: "Turns it on" })],
    ["array", cfg("tags", { type: "array", max: 3, default: ["a"] })],
    ["object", cfg("extra", { type: "object", default: { a: 1 } })],
  ]);
});

Deno.test("config: rejects bad schemas at the field's path", () => {
  assertRejections([
    { why: "not a mapping", doc: { config: ["a"] }, field: "config" },
    {
      why: "bad name",
      doc: cfg("bad.name", { type: "string" }),
      field: 'config["bad.name"]',
      says: "setting name",
    },
    { why: "field not mapping", doc: cfg("a", "string"), field: "config.a", says: "mapping" },
    {
      why: "missing type",
      doc: cfg("a", { default: 1 }),
      field: "config.a.type",
      says: "required",
    },
    {
      why: "bad type",
      doc: cfg("a", { type: "date" }),
      field: "config.a.type",
      says: "string, number",
    },
    {
      why: "unknown key",
      doc: cfg("a", { type: "string", $ref: "#/x" }),
      field: "config.a.$ref",
      says: "type, title",
    },
    {
      why: "required not bool",
      doc: cfg("a", { type: "string", required: "yes" }),
      field: "config.a.required",
    },
    {
      why: "secret number",
      doc: cfg("a", { type: "number", secret: true }),
      field: "config.a.secret",
      says: "applies to string",
    },
    {
      why: "secret default",
      doc: cfg("a", { type: "string", secret: true, default: "x" }),
      field: "config.a.default",
      says: "secret",
    },
    {
      why: "default type",
      doc: cfg("a", { type: "integer", default: "3" }),
      field: "config.a.default",
      says: "integer",
    },
    {
      why: "default float",
      doc: cfg("a", { type: "integer", default: 1.5 }),
      field: "config.a.default",
    },
    {
      why: "default enum",
      doc: cfg("level", { type: "string", enum: ["info"], default: "debug" }),
      field: "config.level.default",
      says: "one of",
    },
    {
      why: "default pattern",
      doc: cfg("a", { type: "string", pattern: "^x", default: "y" }),
      field: "config.a.default",
      says: "pattern",
    },
    {
      why: "default min",
      doc: cfg("a", { type: "number", min: 5, default: 1 }),
      field: "config.a.default",
      says: "at least 5",
    },
    {
      why: "default max len",
      doc: cfg("a", { type: "string", max: 2, default: "abc" }),
      field: "config.a.default",
      says: "characters",
    },
    {
      why: "empty enum",
      doc: cfg("a", { type: "string", enum: [] }),
      field: "config.a.enum",
      says: "non-empty",
    },
    { why: "enum not list", doc: cfg("a", { type: "string", enum: "a" }), field: "config.a.enum" },
    {
      why: "enum wrong type",
      doc: cfg("a", { type: "string", enum: ["a", 1] }),
      field: "config.a.enum[1]",
    },
    {
      why: "enum duplicate",
      doc: cfg("a", { type: "string", enum: ["a", "a"] }),
      field: "config.a.enum[1]",
      says: "twice",
    },
    {
      why: "enum boolean",
      doc: cfg("a", { type: "boolean", enum: [true] }),
      field: "config.a.enum",
    },
    {
      why: "bad pattern",
      doc: cfg("a", { type: "string", pattern: "(" }),
      field: "config.a.pattern",
      says: "RegExp",
    },
    {
      why: "pattern number",
      doc: cfg("a", { type: "number", pattern: "^1" }),
      field: "config.a.pattern",
      says: "applies to string",
    },
    {
      why: "min > max",
      doc: cfg("a", { type: "number", min: 5, max: 1 }),
      field: "config.a.max",
      says: "greater",
    },
    { why: "min string", doc: cfg("a", { type: "number", min: "1" }), field: "config.a.min" },
    { why: "negative length", doc: cfg("a", { type: "string", min: -1 }), field: "config.a.min" },
    { why: "min boolean", doc: cfg("a", { type: "boolean", min: 0 }), field: "config.a.min" },
    {
      why: "description type",
      doc: cfg("a", { type: "string", description: 5 }),
      field: "config.a.description",
    },
  ]);
});

Deno.test("limits: applies defaults and enforces floors and ceilings", () => {
  assert.deepEqual(valid(minimal({ limits: { memory_mb: 256 } })).limits, {
    memory_mb: 256,
    timeout_ms: 5000,
    concurrency: 8,
  });
  assertRejections([
    {
      why: "memory high",
      doc: { limits: { memory_mb: LIMIT_CEILINGS.memory_mb + 1 } },
      field: "limits.memory_mb",
      says: "16 to 4096",
    },
    {
      why: "memory low",
      doc: { limits: { memory_mb: LIMIT_FLOORS.memory_mb - 1 } },
      field: "limits.memory_mb",
    },
    {
      why: "timeout high",
      doc: { limits: { timeout_ms: 300_001 } },
      field: "limits.timeout_ms",
      says: "300000",
    },
    { why: "timeout low", doc: { limits: { timeout_ms: 9 } }, field: "limits.timeout_ms" },
    { why: "concurrency 0", doc: { limits: { concurrency: 0 } }, field: "limits.concurrency" },
    {
      why: "concurrency high",
      doc: { limits: { concurrency: 1025 } },
      field: "limits.concurrency",
    },
    {
      why: "float",
      doc: { limits: { memory_mb: 64.5 } },
      field: "limits.memory_mb",
      says: "whole number",
    },
    { why: "string", doc: { limits: { memory_mb: "128" } }, field: "limits.memory_mb" },
    {
      why: "unknown key",
      doc: { limits: { cpu: 1 } },
      field: "limits.cpu",
      says: "memory_mb, timeout_ms, concurrency",
    },
    { why: "not a mapping", doc: { limits: 5 }, field: "limits" },
    { why: "cpu 0", doc: { limits: { cpu_percent: 0 } }, field: "limits.cpu_percent" },
    {
      why: "cpu high",
      doc: { limits: { cpu_percent: 401 } },
      field: "limits.cpu_percent",
      says: "1 to 400",
    },
  ]);
  assert.equal(valid(minimal({ limits: { cpu_percent: 25 } })).limits.cpu_percent, 25);
  assert.equal(valid(minimal({})).limits.cpu_percent, undefined);
});

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

Deno.test("config: a JSON Schema and the flat form normalize to the same schema", () => {
  const flat = valid(minimal({
    config: {
      url: { type: "string", required: true, secret: true, min: 8 },
      level: { type: "string", enum: ["info", "error"], default: "info" },
      tags: { type: "array", max: 3 },
    },
  })).config;
  const json = valid(minimal({
    config: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      required: ["url"],
      properties: {
        url: { type: "string", secret: true, minLength: 8 },
        level: { type: "string", enum: ["info", "error"], default: "info" },
        tags: { type: "array", maxItems: 3 },
      },
    },
  })).config;
  assert.deepEqual(flat, json);
  assert.deepEqual(flat, {
    type: "object",
    required: ["url"],
    additionalProperties: false,
    properties: {
      url: { type: "string", secret: true, minLength: 8 },
      level: { type: "string", enum: ["info", "error"], default: "info" },
      tags: { type: "array", maxItems: 3 },
    },
  });
});

Deno.test("config: nested objects and arrays, secrets at depth", () => {
  const schema = valid(minimal({
    config: {
      github: {
        type: "object",
        properties: {
          token: { type: "string", secret: true, description: "GitHub token" },
          repos: { type: "array", items: { type: "string", pattern: "^[\\w-]+/[\\w.-]+$" } },
        },
      },
      hooks: {
        type: "array",
        items: {
          type: "object",
          required: ["url"],
          properties: {
            url: { type: "string", format: "uri" },
            key: { type: "string", secret: true },
          },
        },
      },
      extra: { type: "object" },
    },
  })).config;
  assert.equal(schema.properties.github?.properties?.token?.secret, true);
  assert.equal(schema.properties.hooks?.items?.properties?.key?.secret, true);
  assert.equal(schema.properties.github?.additionalProperties, false);
  assert.equal(schema.properties.extra?.additionalProperties, true);
});

Deno.test("config: rejects bad JSON Schemas at the keyword's path", () => {
  const json = (properties: unknown, extra: Record<string, unknown> = {}) => ({
    config: { type: "object", properties, ...extra },
  });
  assertRejections([
    { why: "root not object", doc: { config: { type: "string" } }, field: "config.type" },
    {
      why: "required names unknown",
      doc: json({ a: { type: "string" } }, { required: ["b"] }),
      field: "config.required",
      says: '"b"',
    },
    {
      why: "nested bad type",
      doc: json({ a: { type: "object", properties: { b: { type: "date" } } } }),
      field: "config.properties.a.properties.b.type",
    },
    {
      why: "items on string",
      doc: json({ a: { type: "string", items: { type: "string" } } }),
      field: "config.properties.a.items",
    },
    {
      why: "bad format",
      doc: json({ a: { type: "string", format: "phone" } }),
      field: "config.properties.a.format",
      says: "date-time",
    },
    {
      why: "secret default at depth",
      doc: json({
        a: { type: "object", properties: { t: { type: "string", secret: true, default: "x" } } },
      }),
      field: "config.properties.a.properties.t.default",
    },
    {
      why: "default at depth against its rules",
      doc: json({ a: { type: "array", items: { type: "integer" }, default: [1, "2"] } }),
      field: "config.properties.a.default",
      says: "/1 must be an integer",
    },
    {
      why: "too deep",
      doc: json({
        a: {
          type: "object",
          properties: {
            b: {
              type: "object",
              properties: {
                c: {
                  type: "object",
                  properties: {
                    d: {
                      type: "object",
                      properties: {
                        e: {
                          type: "object",
                          properties: {
                            f: {
                              type: "object",
                              properties: {
                                g: { type: "object", properties: { h: { type: "string" } } },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      }),
      field:
        "config.properties.a.properties.b.properties.c.properties.d.properties.e.properties.f.properties.g.properties.h",
      says: "deeper",
    },
  ]);
});
