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
  assert.deepEqual(statements.map((s) => s.args.length), [1000, 1000, 550]);
  assert.ok(statements[2]!.sql.includes("actor") && !statements[0]!.sql.includes("actor"));
});
