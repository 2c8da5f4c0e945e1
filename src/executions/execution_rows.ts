/**
 * The INSERT statements of execution records: multi-row, a few hundred parameters each, and no
 * parameter for a column that is null in every row of a statement (most records leave tenant,
 * error, task, actor and detail empty): each parameter is cloned to the writer thread and bound
 * there one native call at a time. An event delivery's input is stored packed (input_text.ts).
 * @module
 */
import type { InStatement, InValue } from "@libsql/client";
import { packInput } from "./input_text.ts";

/** One row of `executions`, ready to insert. */
export interface ExecutionRow {
  plugin: string;
  kind: string;
  name: string;
  tenant: string | null;
  status: string;
  attempt: number;
  startedAt: number;
  durationMs: number | null;
  error: string | null;
  input: string | null;
  output: string | null;
  eventId: string | null;
  taskId: string | null;
  actor: string | null;
  detail: string | null;
}

const ROWS_PER_STATEMENT = 100;

/** The columns a statement may leave out (bits of its `keep` mask). */
const TENANT = 1;
const ERROR = 2;
const TASK = 4;
const ACTOR = 8;
const DETAIL = 16;
const ALL = TENANT | ERROR | TASK | ACTOR | DETAIL;

/** SQL texts by mask and row count; bounded (a statement's text is the writer's cache key). */
const SQL = new Map<number, string>();
const SQL_KEPT = 512;

function insertSql(keep: number, rows: number): string {
  const key = keep * 1024 + rows;
  let sql = SQL.get(key);
  if (sql === undefined) {
    const columns = [
      "plugin_id",
      "kind",
      "name",
      ...(keep & TENANT ? ["tenant"] : []),
      "status",
      "attempt",
      "started_at",
      "duration_ms",
      ...(keep & ERROR ? ["error"] : []),
      "input",
      "output",
      "event_id",
      ...(keep & TASK ? ["task_id"] : []),
      ...(keep & ACTOR ? ["actor"] : []),
      ...(keep & DETAIL ? ["detail"] : []),
    ];
    const one = `(${columns.map(() => "?").join(", ")})`;
    sql = `INSERT INTO executions (${columns.join(", ")}) VALUES ${
      new Array(rows).fill(one).join(", ")
    }`;
    if (SQL.size >= SQL_KEPT) SQL.clear();
    SQL.set(key, sql);
  }
  return sql;
}

/** Which of the leavable columns hold a value in some row of `rows[from, to)`. */
function kept(rows: readonly ExecutionRow[], from: number, to: number): number {
  let keep = 0;
  for (let i = from; i < to && keep !== ALL; i++) {
    const r = rows[i]!;
    if (r.tenant !== null) keep |= TENANT;
    if (r.error !== null) keep |= ERROR;
    if (r.taskId !== null) keep |= TASK;
    if (r.actor !== null) keep |= ACTOR;
    if (r.detail !== null) keep |= DETAIL;
  }
  return keep;
}

/**
 * The INSERT statements of `rows`.
 *
 * @example
 * ```ts
 * insertExecutionStatements(rows); // [{ sql: "INSERT INTO executions (…) VALUES (…), …", args }]
 * ```
 */
export function insertExecutionStatements(rows: readonly ExecutionRow[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const end = Math.min(i + ROWS_PER_STATEMENT, rows.length);
    const keep = kept(rows, i, end);
    // One array per statement and none per row; pushed, not preallocated: a holey array would be
    // cloned to the writer thread element by element with its indices.
    const args: InValue[] = [];
    for (let j = i; j < end; j++) {
      const r = rows[j]!;
      args.push(r.plugin, r.kind, r.name);
      if (keep & TENANT) args.push(r.tenant);
      args.push(r.status, r.attempt, r.startedAt, r.durationMs);
      if (keep & ERROR) args.push(r.error);
      args.push(packInput(r.input, r), r.output, r.eventId);
      if (keep & TASK) args.push(r.taskId);
      if (keep & ACTOR) args.push(r.actor);
      if (keep & DETAIL) args.push(r.detail);
    }
    out.push({ sql: insertSql(keep, end - i), args });
  }
  return out;
}
