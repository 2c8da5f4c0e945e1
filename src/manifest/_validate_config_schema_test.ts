import assert from "node:assert/strict";
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
