import assert from "node:assert/strict";
import { MAX_CRON_JOBS, MAX_HOOKS, MAX_ROUTES } from "./constants.ts";
import { assertAccepted, assertRejections, minimal, valid } from "./_testing.ts";

Deno.test("hooks: accepts the three kinds, wildcards on actions and priorities", () => {
  const m = valid(minimal({
    hooks: [
      { action: "deployment.*", priority: -1000 },
      { action: "*" },
      { filter: "notification.format", priority: 1000 },
      { gate: "deployment.pre_create" },
      { action: "deployment.pre_create" },
    ],
  }));
  assert.deepEqual(m.hooks.map((h) => h.priority), [-1000, 10, 1000, 10, 10]);
});

Deno.test("hooks: rejects bad entries with the entry's path", () => {
  const many = Array.from({ length: MAX_HOOKS + 1 }, (_, i) => ({ action: `e.n${i}` }));
  assertRejections([
    { why: "not a list", doc: { hooks: { action: "a" } }, field: "hooks", says: "list" },
    { why: "string entry", doc: { hooks: ["a.b"] }, field: "hooks[0]", says: "mapping" },
    {
      why: "unknown kind",
      doc: { hooks: [{ listener: "a.b" }] },
      field: "hooks[0]",
      says: "action:, filter:, gate:",
    },
    {
      why: "unknown key named",
      doc: { hooks: [{ listener: "a.b" }] },
      field: "hooks[0].listener",
      says: "action, filter, gate, task, priority",
    },
    {
      why: "two kinds",
      doc: { hooks: [{ action: "a", gate: "b" }] },
      field: "hooks[0]",
      says: "one hook per",
    },
    {
      why: "uppercase",
      doc: { hooks: [{ action: "Deploy.x" }] },
      field: "hooks[0].action",
      says: "lowercase",
    },
    {
      why: "filter wildcard",
      doc: { hooks: [{ filter: "a.*" }] },
      field: "hooks[0].filter",
      says: "only allowed for action",
    },
    { why: "gate wildcard", doc: { hooks: [{ gate: "*" }] }, field: "hooks[0].gate" },
    { why: "inner wildcard", doc: { hooks: [{ action: "a.*.b" }] }, field: "hooks[0].action" },
    { why: "name not string", doc: { hooks: [{ action: 5 }] }, field: "hooks[0].action" },
    {
      why: "priority float",
      doc: { hooks: [{ action: "a", priority: 1.5 }] },
      field: "hooks[0].priority",
      says: "whole number",
    },
    {
      why: "priority high",
      doc: { hooks: [{ action: "a", priority: 1001 }] },
      field: "hooks[0].priority",
      says: "-1000 to 1000",
    },
    {
      why: "priority string",
      doc: { hooks: [{ action: "a", priority: "1" }] },
      field: "hooks[0].priority",
    },
    {
      why: "duplicate",
      doc: { hooks: [{ gate: "a.b" }, { gate: "a.b", priority: 1 }] },
      field: "hooks[1]",
      says: "hooks[0]",
    },
    { why: "too many", doc: { hooks: many }, field: "hooks", says: `limit is ${MAX_HOOKS}` },
  ]);
});

Deno.test("routes: accepts methods, params and safe characters", () => {
  const m = valid(
    minimal({ routes: ["POST /notify", "GET /items/:id", "GET /", "DELETE /a_b/c-d.e~f/"] }),
  );
  assert.deepEqual(m.routes[1], { method: "GET", path: "/items/:id" });
});

Deno.test("routes: rejects bad methods, paths and duplicates", () => {
  const many = Array.from({ length: MAX_ROUTES + 1 }, (_, i) => `GET /r${i}`);
  const r = (route: unknown, says?: string) => ({
    why: String(route),
    doc: { routes: [route] },
    field: "routes[0]",
    says,
  });
  assertRejections([
    r("FETCH /x", "GET, POST"),
    r("post /x", "uppercase"),
    r("POST notify", 'start with "/"'),
    r("POST", "METHOD /path"),
    r("POST /a b", "METHOD /path"),
    r("GET /a/../b", ".."),
    r("GET /a//b", "//"),
    r("GET /a?x=1", "segment"),
    r("GET /a/:1x", "segment"),
    r("GET /%2e%2e", "segment"),
    { why: "mapping without route", doc: { routes: [{ GET: "/x" }] }, field: "routes[0].route" },
    r(42, "string"),
    {
      why: "duplicate",
      doc: { routes: ["GET /x", "GET /x"] },
      field: "routes[1]",
      says: "routes[0]",
    },
    { why: "too many", doc: { routes: many }, field: "routes", says: `limit is ${MAX_ROUTES}` },
    { why: "not a list", doc: { routes: "GET /x" }, field: "routes" },
  ]);
});

Deno.test("cron: accepts 5- and 6-field schedules", () => {
  assertAccepted([
    ["5 fields", { cron: [{ name: "digest", schedule: "0 9 * * 1-5" }] }],
    ["6 fields", { cron: [{ name: "tick_1", schedule: "*/30 * * * * *" }] }],
  ]);
});

Deno.test("cron: rejects bad names, schedules, keys and duplicates", () => {
  const many = Array.from(
    { length: MAX_CRON_JOBS + 1 },
    (_, i) => ({ name: `j${i}`, schedule: "* * * * *" }),
  );
  const job = (name: unknown, schedule: unknown) => ({ cron: [{ name, schedule }] });
  assertRejections([
    {
      why: "bad schedule",
      doc: job("a", "61 * * * *"),
      field: "cron[0].schedule",
      says: "not a valid cron",
    },
    { why: "4 fields", doc: job("a", "* * * *"), field: "cron[0].schedule", says: "5 fields" },
    { why: "nickname", doc: job("a", "@daily"), field: "cron[0].schedule" },
    { why: "7 fields", doc: job("a", "0 0 0 * * * *"), field: "cron[0].schedule" },
    { why: "number schedule", doc: job("a", 5), field: "cron[0].schedule" },
    {
      why: "missing schedule",
      doc: { cron: [{ name: "a" }] },
      field: "cron[0].schedule",
      says: "required",
    },
    { why: "bad name", doc: job("Digest", "* * * * *"), field: "cron[0].name" },
    {
      why: "missing name",
      doc: { cron: [{ schedule: "* * * * *" }] },
      field: "cron[0].name",
      says: "required",
    },
    {
      why: "unknown key",
      doc: { cron: [{ name: "a", schedule: "* * * * *", tz: "UTC" }] },
      field: "cron[0].tz",
      says: "name, schedule",
    },
    {
      why: "duplicate",
      doc: { cron: [{ name: "a", schedule: "* * * * *" }, { name: "a", schedule: "0 * * * *" }] },
      field: "cron[1].name",
      says: "cron[0]",
    },
    { why: "too many", doc: { cron: many }, field: "cron", says: `limit is ${MAX_CRON_JOBS}` },
    { why: "string entry", doc: { cron: ["* * * * *"] }, field: "cron[0]" },
  ]);
});

Deno.test("hooks: task processors take concurrency, timeout_ms and retries, with defaults", () => {
  const m = valid(minimal({
    hooks: [{ task: "image.resize", concurrency: 4, timeout_ms: 60_000, retries: 0 }, {
      task: "report.render",
      fleet: true,
    }],
  }));
  assert.deepEqual(m.hooks.map((h) => h.task), [
    { concurrency: 4, timeout_ms: 60_000, retries: 0, fleet: false },
    { concurrency: 1, timeout_ms: null, retries: 3, fleet: true },
  ]);
  assertRejections([
    {
      why: "task settings on an action",
      doc: { hooks: [{ action: "a.b", retries: 2 }] },
      field: "hooks[0].retries",
      says: "only task: hooks",
    },
    {
      why: "priority on a task",
      doc: { hooks: [{ task: "a.b", priority: 2 }] },
      field: "hooks[0].priority",
      says: "no priority",
    },
    {
      why: "too many retries",
      doc: { hooks: [{ task: "a.b", retries: 99 }] },
      field: "hooks[0].retries",
      says: "from 0 to 20",
    },
    {
      why: "fleet on an action",
      doc: { hooks: [{ action: "a.b", fleet: true }] },
      field: "hooks[0].fleet",
      says: "only task: hooks take fleet",
    },
    {
      why: "fleet not a boolean",
      doc: { hooks: [{ task: "a.b", fleet: "yes" }] },
      field: "hooks[0].fleet",
      says: "must be true or false",
    },
    {
      why: "wildcard task",
      doc: { hooks: [{ task: "a.*" }] },
      field: "hooks[0].task",
      says: "wildcards",
    },
  ]);
});
