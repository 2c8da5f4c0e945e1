import assert from "node:assert/strict";
import { CallHistory } from "./call_history.ts";

Deno.test("CallHistory buckets calls per minute and keeps each handler's last call", () => {
  let now = Date.parse("2026-11-30T10:00:10Z");
  const h = new CallHistory(() => now);
  h.record({ id: "p", kind: "action", name: "a.b" }, 4, "ok");
  h.record({ id: "p", kind: "action", name: "a.b" }, 10, "error");
  now += 60_000;
  h.record({ id: "p", kind: "cron", name: "digest" }, 2, "timeout");
  const a = h.activity("p");
  assert.equal(a.minutes.length, 60);
  const [prev, last] = a.minutes.slice(-2);
  assert.deepEqual(
    { calls: prev!.calls, errors: prev!.errors, avg: prev!.avg_ms, max: prev!.max_ms },
    { calls: 2, errors: 1, avg: 7, max: 10 },
  );
  assert.equal(last!.timeouts, 1);
  assert.equal(a.minutes[0]!.avg_ms, null, "an empty minute has no latency");
  const action = a.handlers.find((x) => x.kind === "action")!;
  assert.equal(action.last_status, "error");
  assert.equal(action.calls, 2);
  assert.equal(action.errors, 1);
});

Deno.test("CallHistory forgets minutes older than an hour and cleared plugins", () => {
  let now = Date.parse("2026-11-30T10:00:00Z");
  const h = new CallHistory(() => now);
  h.record({ id: "p", kind: "route", name: "GET /x" }, 1, "ok");
  now += 61 * 60_000;
  h.record({ id: "p", kind: "route", name: "GET /x" }, 1, "ok");
  assert.equal(h.activity("p").minutes.reduce((s, m) => s + m.calls, 0), 1);
  h.clear("p");
  assert.deepEqual(h.activity("p").handlers, []);
});
