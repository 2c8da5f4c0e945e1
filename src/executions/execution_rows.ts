/**
 * The INSERT statements of execution records: multi-row, a few hundred parameters each, and no
 * parameter for a column that is null in every row of a statement (most records leave tenant,
 * error, task, actor and detail empty): each parameter is cloned to the writer thread and bound
 * there one native call at a time. Rows of one plugin's handler with the same status and attempt
 * (an event's deliveries to one hook, mostly) share a statement that binds those five columns
 * once. An event delivery's input is stored packed (input_text.ts).
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

/** SQL texts by mask, form and row count; bounded (a statement's text is the writer's cache key). */
const SQL = new Map<number, string>();
const SQL_KEPT = 512;

/** The columns one row binds: the five a group shares first unless `shared`. */
function rowColumns(keep: number, shared: boolean): string[] {
  return [
    ...(shared ? [] : ["plugin_id", "kind", "name"]),
    ...(keep & TENANT ? ["tenant"] : []),
    ...(shared ? [] : ["status", "attempt"]),
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
}

function insertSql(keep: number, rows: number, shared: boolean): string {
  const key = ((shared ? 32 : 0) | keep) * 1024 + rows;
  let sql = SQL.get(key);
  if (sql === undefined) {
    const columns = rowColumns(keep, shared);
    const values = new Array(rows).fill(`(${columns.map(() => "?").join(", ")})`).join(", ");
    // A shared statement binds plugin, kind, name, status and attempt once, as ?1-?5; its rows'
    // own parameters are numbered on from there.
    sql = shared
      ? `INSERT INTO executions (plugin_id, kind, name, status, attempt, ${columns.join(", ")}) ` +
        `SELECT ?1, ?2, ?3, ?4, ?5, ${columns.map((_, i) => `column${i + 1}`).join(", ")} ` +
        `FROM (VALUES ${values})`
      : `INSERT INTO executions (${columns.join(", ")}) VALUES ${values}`;
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

/** A group of fewer rows goes in the statements of mixed rows (fewer statement shapes). */
const SHARED_FROM = 8;

/** The statements of `rows[from, to)`, every row with its own five first columns unless `shared`. */
function statementsOf(rows: readonly ExecutionRow[], shared: boolean, out: InStatement[]): void {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const end = Math.min(i + ROWS_PER_STATEMENT, rows.length);
    const keep = kept(rows, i, end);
    // One array per statement and none per row; pushed, not preallocated: a holey array would be
    // cloned to the writer thread element by element with its indices.
    const f = rows[i]!;
    const args: InValue[] = shared ? [f.plugin, f.kind, f.name, f.status, f.attempt] : [];
    for (let j = i; j < end; j++) {
      const r = rows[j]!;
      if (!shared) args.push(r.plugin, r.kind, r.name);
      if (keep & TENANT) args.push(r.tenant);
      if (!shared) args.push(r.status, r.attempt);
      args.push(r.startedAt, r.durationMs);
      if (keep & ERROR) args.push(r.error);
      args.push(packInput(r.input, r), r.output, r.eventId);
      if (keep & TASK) args.push(r.taskId);
      if (keep & ACTOR) args.push(r.actor);
      if (keep & DETAIL) args.push(r.detail);
    }
    out.push({ sql: insertSql(keep, end - i, shared), args });
  }
}

/**
 * The INSERT statements of `rows`: a group of at least 8 rows sharing plugin, kind, name, status
 * and attempt in statements of its own, the other rows together.
 *
 * @example
 * ```ts
 * insertExecutionStatements(rows); // [{ sql: "INSERT INTO executions (…) SELECT ?1, … FROM (VALUES (…), …)", args }]
 * ```
 */
export function insertExecutionStatements(rows: readonly ExecutionRow[]): InStatement[] {
  const groups = new Map<string, ExecutionRow[]>();
  for (const r of rows) {
    const key = `${r.plugin}\u0000${r.kind}\u0000${r.name}\u0000${r.status}\u0000${r.attempt}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  const out: InStatement[] = [];
  const mixed: ExecutionRow[] = [];
  for (const group of groups.values()) {
    if (group.length >= SHARED_FROM) statementsOf(group, true, out);
    else for (const r of group) mixed.push(r);
  }
  statementsOf(mixed, false, out);
  return out;
}
