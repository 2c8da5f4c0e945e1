import assert from "node:assert/strict";
import { type ExecutionRow, insertExecutionStatements } from "./execution_rows.ts";

const row = (over: Partial<ExecutionRow> = {}): ExecutionRow => ({
  plugin: "p",
  kind: "action",
  name: "a.b",
  tenant: null,
  status: "ok",
  attempt: 1,
  startedAt: 1,
  durationMs: 0.5,
  error: null,
  input: "{}",
  output: null,
  eventId: "e1",
  taskId: null,
  actor: null,
  detail: null,
  ...over,
});

Deno.test("insertExecutionStatements() leaves out columns null in every row of a statement", () => {
  const [s] = insertExecutionStatements([row(), row({ startedAt: 2 })]) as {
    sql: string;
    args: unknown[];
  }[];
  assert.match(
    s!.sql,
    /^INSERT INTO executions \(plugin_id, kind, name, status, attempt, started_at, duration_ms, input, output, event_id\) VALUES \(\?(, \?){9}\), \(\?(, \?){9}\)$/,
  );
  // The ten kept columns of each row, in the statement's column order.
  const kept = (
    startedAt: number,
  ) => ["p", "action", "a.b", "ok", 1, startedAt, 0.5, "{}", null, "e1"];
  assert.deepEqual(s!.args, [...kept(1), ...kept(2)]);
});

Deno.test("insertExecutionStatements() keeps a column one row of the statement fills", () => {
  const rows = [
    row(),
    row({ tenant: "t", error: "boom", taskId: "k", actor: "socket", detail: "{}" }),
  ];
  const [s] = insertExecutionStatements(rows) as { sql: string; args: unknown[] }[];
  assert.match(
    s!.sql,
    /\(plugin_id, kind, name, tenant, status, attempt, started_at, duration_ms, error, input, output, event_id, task_id, actor, detail\)/,
  );
  assert.equal(s!.args.length, 30);
  assert.deepEqual(s!.args.slice(15), [
    "p",
    "action",
    "a.b",
    "t",
    "ok",
    1,
    1,
    0.5,
    "boom",
    "{}",
    null,
    "e1",
    "k",
    "socket",
    "{}",
  ]);
});

Deno.test("insertExecutionStatements() writes at most 100 rows per statement", () => {
  const rows = Array.from({ length: 250 }, (_, i) => row({ actor: i === 249 ? "x" : null }));
  const statements = insertExecutionStatements(rows) as { sql: string; args: unknown[] }[];
  // One group: the five shared columns once, then five (the last statement six) per row.
  assert.deepEqual(statements.map((s) => s.args.length), [505, 505, 305]);
  assert.ok(statements[2]!.sql.includes("actor") && !statements[0]!.sql.includes("actor"));
});

Deno.test("insertExecutionStatements() binds what a group of rows shares once", () => {
  const rows = [
    ...Array.from({ length: 8 }, (_, i) => row({ startedAt: i })),
    row({ status: "error", error: "boom" }), // a group of one: with the other rows
    row({ plugin: "q" }),
  ];
  const [shared, mixed, ...rest] = insertExecutionStatements(rows) as {
    sql: string;
    args: unknown[];
  }[];
  assert.equal(rest.length, 0);
  assert.equal(
    shared!.sql,
    "INSERT INTO executions (plugin_id, kind, name, status, attempt, started_at, duration_ms, " +
      "input, output, event_id) SELECT ?1, ?2, ?3, ?4, ?5, column1, column2, column3, column4, " +
      `column5 FROM (VALUES ${new Array(8).fill("(?, ?, ?, ?, ?)").join(", ")})`,
  );
  assert.deepEqual(shared!.args.slice(0, 10), [
    "p",
    "action",
    "a.b",
    "ok",
    1,
    0,
    0.5,
    "{}",
    null,
    "e1",
  ]);
  assert.equal(shared!.args.length, 45);
  assert.match(
    mixed!.sql,
    /^INSERT INTO executions \(plugin_id, kind, name, status, attempt, started_at, duration_ms, error,/,
  );
  assert.equal(mixed!.args.length, 22);
});
