import assert from "node:assert/strict";
import { compileRules, normalizeLevel, parseLine } from "./parse.ts";
import { parseClfDate, sinceToMs } from "./time.ts";

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

Deno.test("parseLine() reads combined access-log lines", () => {
  const r = parseLine(
    '203.0.113.9 - ann [10/Oct/2026:13:55:36 -0700] "POST /api/login?x=1 HTTP/2.0" 503 12 "https://a/" "Mozilla/5.0"',
    "clf",
    new Map(),
    "file:/var/log/nginx/access.log",
    NOW,
  );
  assert.equal(r.ts, Date.UTC(2026, 9, 10, 20, 55, 36));
  assert.deepEqual([r.level, r.status, r.path], ["error", 503, "/api/login?x=1"]);
  assert.deepEqual(r.fields, {
    client: "203.0.113.9",
    method: "POST",
    user: "ann",
    protocol: "HTTP/2.0",
    bytes: 12,
    referer: "https://a/",
    user_agent: "Mozilla/5.0",
  });
});

Deno.test("parseLine() reads JSON lines, regex rules and plain text; keeps what it cannot parse", () => {
  const json = parseLine(
    '{"@timestamp":"2026-11-30T11:00:00Z","severity":"WARNING","message":"slow","ms":950}',
    "auto",
    new Map(),
    "http",
    NOW,
  );
  assert.deepEqual([json.ts, json.level, json.msg, json.fields], [
    Date.UTC(2026, 10, 30, 11),
    "warn",
    "slow",
    { ms: 950 },
  ]);
  const rules = compileRules([{
    name: "app",
    pattern: "^(?<level>\\w+) (?<svc>\\w+): (?<msg>.*)$",
  }]);
  const app = parseLine("error billing: card declined", "app", rules, "http", NOW);
  assert.deepEqual([app.level, app.msg, app.fields], ["error", "card declined", {
    svc: "billing",
  }]);
  const text = parseLine("2026-11-30 WARN pool exhausted", "app", rules, "http", NOW);
  assert.deepEqual([text.level, text.msg, text.ts], [
    "warn",
    "2026-11-30 WARN pool exhausted",
    NOW,
  ]);
  assert.equal(parseLine("{broken", "json", rules, "http", NOW).msg, "{broken");
  assert.throws(() => compileRules([{ name: "bad", pattern: "(" }]), /rule "bad"/);
});

Deno.test("levels and times are normalized", () => {
  assert.deepEqual(
    ["WARNING", "err", 50, 30, "crit", "nope"].map(normalizeLevel),
    ["warn", "error", "error", "info", "fatal", null],
  );
  assert.equal(parseClfDate("01/Jan/2026:00:00:00 +0100"), Date.UTC(2025, 11, 31, 23));
  assert.equal(sinceToMs("1h", NOW), NOW - 3_600_000);
  assert.equal(sinceToMs("2026-11-30T00:00:00Z", NOW), Date.UTC(2026, 10, 30));
  assert.throws(() => sinceToMs("yesterday", NOW), /use a duration like 30m/);
});
