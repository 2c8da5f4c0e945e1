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

Deno.test("rateLimit() charges a handler's extra requests (a batch) against the same bucket", async () => {
  let t = 0;
  const app = new Hono<ApiEnv>();
  app.use("*", async (c, next) => {
    c.set("actor", "token:a");
    await next();
  });
  app.use("*", rateLimit({ ratePerSecond: 2, burst: 3, now: () => t }));
  app.post("/batch/:n", (c) => {
    c.get("rateCharge")?.(Number(c.req.param("n")) - 1);
    return c.text("ok");
  });
  app.onError(toProblemResponse);
  assert.equal((await app.request("/batch/3", { method: "POST" })).status, 200);
  const empty = await app.request("/batch/1", { method: "POST" });
  assert.equal(empty.status, 429, "the batch of 3 used the whole burst");
  await empty.body?.cancel();
  t = 1000; // 2 tokens back
  const tooBig = await app.request("/batch/4", { method: "POST" });
  assert.equal(tooBig.status, 429);
  assert.match((await tooBig.json()).detail, /counts as 4 requests.*burst of 3.*at most 3 events/);
});
