import assert from "node:assert/strict";
import {
  boundResult,
  boundResultText,
  MAX_RESULT_BYTES,
  MAX_RESULT_DEPTH,
  resultProblem,
} from "./bounded_result.ts";

const nested = (levels: number): unknown => JSON.parse("[".repeat(levels) + "]".repeat(levels));

Deno.test("boundResult() passes values within the limits through unchanged", () => {
  const value = { ok: true, list: [1, 2, { deep: nested(MAX_RESULT_DEPTH - 3) }] };
  assert.equal(boundResult(value), value);
  assert.equal(boundResult(undefined), undefined);
  assert.equal(boundResult("x".repeat(MAX_RESULT_BYTES - 2)), "x".repeat(MAX_RESULT_BYTES - 2));
});

Deno.test("boundResult() replaces a 100,001-deep array with a marker naming the limit", () => {
  assert.deepEqual(boundResult(nested(100_001)), {
    truncated: true,
    reason: `nested deeper than ${MAX_RESULT_DEPTH} levels`,
  });
  assert.equal(resultProblem(nested(MAX_RESULT_DEPTH)), null);
  assert.notEqual(resultProblem(nested(MAX_RESULT_DEPTH + 1)), null);
  assert.notEqual(resultProblem({ a: { b: nested(MAX_RESULT_DEPTH) } }), null);
});

Deno.test("boundResult() replaces a result over the size limit, naming its size", () => {
  const big = ["y".repeat(MAX_RESULT_BYTES)];
  assert.deepEqual(boundResult(big), {
    truncated: true,
    reason: "65,540 bytes of JSON (limit 65,536)",
    bytes: 65_540,
  });
});

Deno.test("boundResultText() gives boundResult()'s value and that value's JSON text", () => {
  const cases = [{ ok: true, n: [1, 2] }, undefined, "x", nested(100_001), [
    "y".repeat(MAX_RESULT_BYTES),
  ]];
  for (const value of cases) {
    const { value: bounded, text } = boundResultText(value);
    assert.deepEqual(bounded, boundResult(value));
    assert.equal(text, JSON.stringify(boundResult(value)));
  }
});
