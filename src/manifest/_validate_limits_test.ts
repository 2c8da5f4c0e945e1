/** Manifest `limits`: defaults, floors and ceilings. */
import assert from "node:assert/strict";
import { LIMIT_CEILINGS, LIMIT_FLOORS } from "./constants.ts";
import { assertRejections, minimal, valid } from "./_testing.ts";

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
