import assert from "node:assert/strict";
import { classify, parseProgress, retryDelay } from "./task_outcome.ts";

const settings = { concurrency: 1, timeout_ms: null, retries: 2, fleet: false };
const pluginError = (name: string) =>
  Object.assign(new Error("boom"), { name: "PluginCallError", pluginErrorName: name });

Deno.test("retryDelay() doubles per attempt within ±50 % and stops at 5 minutes", () => {
  assert.equal(retryDelay(1, 1000, () => 0.5), 1000);
  assert.equal(retryDelay(3, 1000, () => 0.5), 4000);
  assert.equal(retryDelay(2, 1000, () => 0), 1000);
  assert.equal(retryDelay(2, 1000, () => 0.999), 2998);
  assert.equal(retryDelay(30, 1000, () => 0.5), 300_000);
});

Deno.test("classify() retries until retries run out, then the task is dead", () => {
  const live = { cancelled: false };
  assert.equal(classify({ value: 1 }, { attempt: 1 }, settings, live, 10).status, "succeeded");
  const retry = classify({ error: pluginError("Error") }, { attempt: 2 }, settings, live, 10);
  assert.equal(retry.status, "queued");
  assert.ok(retry.nextAttemptAt! > Date.now());
  const dead = classify({ error: pluginError("Error") }, { attempt: 3 }, settings, live, 10);
  assert.equal(dead.status, "dead");
  assert.match(dead.error!, /gave up after 3 attempts \(retries: 2\)/);
});

Deno.test("classify(): a PermanentTaskError fails at once; a cancel is cancelled", () => {
  const permanent = classify(
    { error: pluginError("PermanentTaskError") },
    { attempt: 1 },
    settings,
    { cancelled: false },
    10,
  );
  assert.equal(permanent.status, "failed");
  const abort = new DOMException("x", "AbortError");
  const cancelled = classify({ error: abort }, { attempt: 1 }, settings, { cancelled: true }, 10);
  assert.deepEqual([cancelled.status, cancelled.attemptStatus], ["cancelled", "cancelled"]);
});

Deno.test("parseProgress() reads reports and ignores anything else", () => {
  assert.deepEqual(parseProgress('{"progress":1.5,"message":"x"}'), { fraction: 1, message: "x" });
  assert.equal(parseProgress("hello"), null);
  assert.equal(parseProgress('{"progress":"half"}'), null);
});
