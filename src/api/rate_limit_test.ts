import assert from "node:assert/strict";
import { Hono } from "hono";
import { parseRateLimit, rateLimit } from "./rate_limit.ts";
import { toProblemResponse } from "./error_handler.ts";
import type { ApiEnv } from "./types.ts";

function appWith(now: () => number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use("*", async (c, next) => {
    c.set("actor", c.req.header("x-actor") ?? "token:a");
    await next();
  });
  app.use("*", rateLimit({ ratePerSecond: 2, burst: 3, now }));
  app.get("/", (c) => c.text("ok"));
  app.onError(toProblemResponse);
  return app;
}

Deno.test("rateLimit() allows a burst, then answers 429 with Retry-After until refilled", async () => {
  let t = 0;
  const app = appWith(() => t);
  for (let i = 0; i < 3; i++) assert.equal((await app.request("/")).status, 200);
  const limited = await app.request("/");
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "1");
  assert.equal(limited.headers.get("content-type"), "application/problem+json");
  assert.match((await limited.json()).detail, /Rate limit of 2 requests\/s/);
  t = 500; // one token refilled at 2/s
  assert.equal((await app.request("/")).status, 200);
  assert.equal((await app.request("/")).status, 429);
});

Deno.test("rateLimit() keeps one bucket per token and never limits the socket", async () => {
  const app = appWith(() => 0);
  for (let i = 0; i < 3; i++) await app.request("/");
  assert.equal((await app.request("/")).status, 429);
  assert.equal((await app.request("/", { headers: { "x-actor": "token:b" } })).status, 200);
  for (let i = 0; i < 10; i++) {
    assert.equal((await app.request("/", { headers: { "x-actor": "socket" } })).status, 200);
  }
});

Deno.test("parseRateLimit() reads RATE:BURST, RATE and off", () => {
  assert.deepEqual(parseRateLimit("50:100"), { ratePerSecond: 50, burst: 100 });
  assert.deepEqual(parseRateLimit("0.5"), { ratePerSecond: 0.5, burst: 1 });
  assert.equal(parseRateLimit("off"), null);
  assert.equal(parseRateLimit(undefined), undefined);
  assert.throws(() => parseRateLimit("fast"), /RATE:BURST/);
  assert.throws(() => parseRateLimit("5:0"), /RATE:BURST/);
});
