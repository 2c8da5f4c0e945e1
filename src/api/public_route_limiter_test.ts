import assert from "node:assert/strict";
import { PublicRouteLimiter } from "./public_route_limiter.ts";

Deno.test("PublicRouteLimiter allows the rate as a burst, then answers the wait in seconds", () => {
  let now = 0;
  const limiter = new PublicRouteLimiter({ now: () => now });
  const rate = { count: 3, periodMs: 60_000 };
  assert.deepEqual([1, 2, 3].map(() => limiter.take("p POST /x", rate)), [0, 0, 0]);
  assert.equal(limiter.take("p POST /x", rate), 20); // one request per 20 s
  assert.equal(limiter.take("p POST /y", rate), 0, "routes have their own buckets");
  now += 20_000;
  assert.equal(limiter.take("p POST /x", rate), 0);
  assert.equal(
    limiter.take("p POST /x", { count: 10, periodMs: 1000 }),
    0,
    "a new rate, new bucket",
  );
});
