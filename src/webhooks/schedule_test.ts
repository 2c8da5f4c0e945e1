import assert from "node:assert/strict";
import {
  classifyStatus,
  DEFAULT_SCHEDULE_MS,
  parseRetryAfter,
  parseSchedule,
  retryDelay,
} from "./schedule.ts";

Deno.test("parseSchedule() reads comma-separated ms and rejects junk", () => {
  assert.deepEqual(parseSchedule("50, 100,200"), [50, 100, 200]);
  assert.throws(() => parseSchedule("5s"), RangeError);
  assert.throws(() => parseSchedule(""), RangeError);
});

Deno.test("retryDelay() is full jitter within the step, null after the last step", () => {
  assert.equal(retryDelay(DEFAULT_SCHEDULE_MS, 1, () => 1), 5_000);
  assert.equal(retryDelay(DEFAULT_SCHEDULE_MS, 2, () => 0), 0);
  assert.equal(retryDelay(DEFAULT_SCHEDULE_MS, 7, () => 0.5), 18_000_000);
  assert.equal(retryDelay(DEFAULT_SCHEDULE_MS, 8), null);
});

Deno.test("parseRetryAfter() reads seconds and HTTP dates, capped at 24 h", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now), 60_000);
  assert.equal(parseRetryAfter("999999999", now), 24 * 3_600_000);
  assert.equal(parseRetryAfter("soon", now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

Deno.test("classifyStatus() retries 408, 429 and 5xx only; 410 is gone; 3xx fails", () => {
  assert.equal(classifyStatus(204), "delivered");
  for (const s of [408, 429, 500, 502, 503]) assert.equal(classifyStatus(s), "retry");
  for (const s of [301, 302, 400, 401, 404, 422]) assert.equal(classifyStatus(s), "fail");
  assert.equal(classifyStatus(410), "gone");
});
