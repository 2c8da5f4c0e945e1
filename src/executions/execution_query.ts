/** `GET /v1/executions`: records newest first, filtered, paged by a cursor. */
import type { InValue, Row } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { ExecutionKind, ExecutionRecord, ExecutionStatus } from "./types.ts";
import { unpackInput } from "./input_text.ts";

/** Filters of {@linkcode listExecutions}; all optional. */
export interface ExecutionFilter {
  plugin?: string;
  kind?: ExecutionKind;
  status?: ExecutionStatus;
  tenant?: string;
  eventId?: string;
  taskId?: string;
  /** Started at or after (ms). */
  since?: number;
  /** Started before (ms). */
  until?: number;
  /** The `next` of a previous page. */
  cursor?: string;
  /** @default 50, at most 500 */
  limit?: number;
}

/** A page of records and the cursor of the next one (null at the end). */
export interface ExecutionPage {
  executions: ExecutionRecord[];
  next: string | null;
}

/** Reads one row. */
export function toRecord(row: Row): ExecutionRecord {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const name = String(row.name);
  const eventId = text(row.event_id);
  const startedAt = Number(row.started_at);
  return {
    id: Number(row.id),
    plugin: String(row.plugin_id),
    kind: String(row.kind) as ExecutionKind,
    name,
    tenant: text(row.tenant),
    status: String(row.status) as ExecutionStatus,
    attempt: Number(row.attempt),
    started_at: new Date(startedAt).toISOString(),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    error: text(row.error),
    input: unpackInput(text(row.input), { eventId, name, startedAt }),
    output: text(row.output),
    event_id: eventId,
    task_id: text(row.task_id),
    actor: text(row.actor),
    detail: row.detail === null ? null : JSON.parse(String(row.detail)),
  };
}

/** A cursor is the last row's start time and id: `<ms>.<id>`. */
function parseCursor(cursor: string): [number, number] {
  const m = /^(\d{1,16})\.(\d{1,19})$/.exec(cursor);
  if (!m) {
    throw new RangeError(`cursor "${cursor}" is not one this API gave; use the "next" it answered`);
  }
  return [Number(m[1]), Number(m[2])];
}

/**
 * One page of records, newest first (by start time, then id). Each filter narrows an indexed
 * range (`plugin` + time, failed statuses + time, or time alone), so a page costs about the same
 * at a million rows as at a thousand.
 */
export async function listExecutions(
  store: Store,
  f: ExecutionFilter = {},
): Promise<ExecutionPage> {
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 50), 1), 500);
  const where: string[] = [];
  const args: InValue[] = [];
  const eq = (column: string, value: InValue | undefined) => {
    if (value !== undefined) (where.push(`${column} = ?`), args.push(value));
  };
  eq("plugin_id", f.plugin);
  eq("kind", f.kind);
  eq("status", f.status);
  eq("tenant", f.tenant);
  eq("event_id", f.eventId);
  eq("task_id", f.taskId);
  if (f.since !== undefined) (where.push("started_at >= ?"), args.push(f.since));
  if (f.until !== undefined) (where.push("started_at < ?"), args.push(f.until));
  if (f.cursor) {
    const [t, id] = parseCursor(f.cursor);
    where.push("(started_at < ? OR (started_at = ? AND id < ?))");
    args.push(t, t, id);
  }
  // Non-ok statuses have their own (partial) index; the planner needs the literal to use it.
  if (f.status && f.status !== "ok") where.push("status <> 'ok'");
  const rs = await store.execute({
    sql: `SELECT * FROM executions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY started_at DESC, id DESC LIMIT ?`,
    args: [...args, limit + 1],
  });
  const rows = rs.rows.slice(0, limit).map(toRecord);
  const last = rs.rows[limit - 1];
  return {
    executions: rows,
    next: rs.rows.length > limit && last ? `${Number(last.started_at)}.${Number(last.id)}` : null,
  };
}

/** One record, or null. */
export async function getExecution(store: Store, id: number): Promise<ExecutionRecord | null> {
  const rs = await store.execute({ sql: "SELECT * FROM executions WHERE id = ?", args: [id] });
  return rs.rows[0] ? toRecord(rs.rows[0]) : null;
}
