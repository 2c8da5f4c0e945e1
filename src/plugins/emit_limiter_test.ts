import assert from "node:assert/strict";
import { effectiveEmitRate } from "../config/mod.ts";
import { EmitLimiter } from "./emit_limiter.ts";

Deno.test("EmitLimiter allows the burst, then the rate, per plugin", () => {
  let now = 0;
  const limiter = new EmitLimiter(() => now);
  limiter.configure("flood", { perSecond: 10, burst: 5 });
  limiter.configure("calm", { perSecond: 10, burst: 5 });
  const passed = Array.from({ length: 8 }, () => limiter.take("flood")).filter(Boolean).length;
  assert.equal(passed, 5);
  assert.equal(limiter.take("calm"), true, "a neighbour's bucket is its own");
  now += 100; // 0.1 s at 10/s refills one emit
  assert.equal(limiter.take("flood"), true);
  assert.equal(limiter.take("flood"), false);
  assert.equal(limiter.take("never-configured"), true);
});

Deno.test("effectiveEmitRate() takes the manifest's rate, else the default, capped by the ceiling", () => {
  const operator = {
    default: { perSecond: 100, burst: 200 },
    ceiling: { perSecond: 1000, burst: 2000 },
  };
  assert.deepEqual(effectiveEmitRate({}, operator), { perSecond: 100, burst: 200 });
  assert.deepEqual(effectiveEmitRate({ emit_per_s: 5 }, operator), { perSecond: 5, burst: 10 });
  assert.deepEqual(effectiveEmitRate({ emit_per_s: 5, emit_burst: 1 }, operator), {
    perSecond: 5,
    burst: 1,
  });
  assert.deepEqual(effectiveEmitRate({ emit_per_s: 50_000 }, operator), {
    perSecond: 1000,
    burst: 2000,
  });
});
