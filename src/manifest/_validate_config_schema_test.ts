import assert from "node:assert/strict";
import { LIMIT_CEILINGS, LIMIT_FLOORS } from "./constants.ts";
import { configValueProblem } from "./config_value.ts";
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
      doc: cfg("Bad-Name", { type: "string" }),
      field: "config.Bad-Name",
      says: "field name",
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
      doc: cfg("a", { type: "string", format: "uri" }),
      field: "config.a.format",
      says: "type, required",
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
      says: "only string",
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
      says: "only string",
    },
    {
      why: "min > max",
      doc: cfg("a", { type: "number", min: 5, max: 1 }),
      field: "config.a.min",
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

Deno.test("configValueProblem() checks type, enum, pattern and bounds", () => {
  assert.equal(configValueProblem({ type: "string", pattern: "^a" }, "abc"), undefined);
  assert.match(configValueProblem({ type: "string", pattern: "^a" }, "b") ?? "", /pattern/);
  assert.match(configValueProblem({ type: "array", min: 1 }, []) ?? "", /1 items/);
  assert.match(configValueProblem({ type: "object" }, []) ?? "", /object/);
  assert.match(configValueProblem({ type: "number" }, Infinity) ?? "", /number/);
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
  ]);
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
