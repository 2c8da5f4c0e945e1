import assert from "node:assert/strict";
import { decode, encode, type Histogram, merge, observe, quantile } from "./latency_histogram.ts";

Deno.test("quantile() reads percentiles back within the bucket resolution", () => {
  const h: Histogram = new Map();
  for (let i = 1; i <= 1000; i++) observe(h, i);
  for (const [q, want] of [[0.5, 500], [0.95, 950], [0.99, 990]] as const) {
    const got = quantile(h, q)!;
    assert.ok(Math.abs(got - want) / want < 0.13, `p${q * 100}: ${got} vs ${want}`);
  }
  assert.equal(quantile(new Map(), 0.5), null);
});

Deno.test("quantile() never answers above the slowest call", () => {
  const h: Histogram = new Map();
  observe(h, 3);
  assert.ok(quantile(h, 0.99, 3)! <= 3);
});

Deno.test("merge() of two halves equals the whole; encode/decode round trips", () => {
  const a: Histogram = new Map();
  const b: Histogram = new Map();
  const all: Histogram = new Map();
  for (let i = 0; i < 500; i++) {
    observe(i % 2 ? a : b, i * 0.37);
    observe(all, i * 0.37);
  }
  merge(a, b);
  assert.deepEqual(a, all);
  assert.deepEqual(decode(encode(all)), all);
  assert.deepEqual(decode("not json"), new Map());
});
