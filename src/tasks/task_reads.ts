/** SQL that reads tasks: one task, a page of them, and what the processors' schedulers ask. */
import type { InValue, Row } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { TaskStatus, TaskView } from "./types.ts";

/**
 * The earliest due time (ms) of the queued tasks of `type` that were given one (a retry's backoff,
 * a released claim; a new or recovered task is due at once), or null when none was.
 */
export async function nextDue(store: Store, type: string): Promise<number | null> {
  const rs = await store.execute({
    sql: `SELECT MIN(next_attempt_at) AS t FROM tasks
      WHERE type = ? AND status = 'queued' AND next_attempt_at > 0`,
    args: [type],
  });
  const t = rs.rows[0]?.t;
  return t === null || t === undefined ? null : Number(t);
}

/** Types with queued tasks (at start, to wake their processors). */
export async function queuedTypes(store: Store): Promise<string[]> {
  const rs = await store.execute("SELECT DISTINCT type FROM tasks WHERE status = 'queued'");
  return rs.rows.map((r) => String(r.type));
}

const iso = (
  v: unknown,
) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(String(v)));

/** Reads one row. */
export function toView(r: Row): TaskView {
  const status = String(r.status) as TaskStatus;
  return {
    id: String(r.id),
    type: String(r.type),
    plugin: r.plugin_id === null ? null : String(r.plugin_id),
    tenant: r.tenant === null ? null : String(r.tenant),
    status,
    priority: Number(r.priority),
    idempotency_key: r.idempotency_key === null ? null : String(r.idempotency_key),
    input: json(r.input),
    result: json(r.result),
    error: r.error === null ? null : String(r.error),
    progress: r.progress === null ? null : {
      fraction: Number(r.progress),
      message: r.progress_message === null ? null : String(r.progress_message),
    },
    attempts: json(r.attempt_log) ?? [],
    created_at: iso(r.created_at)!,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    next_attempt_at: status === "queued" && Number(r.next_attempt_at) > 0
      ? iso(r.next_attempt_at)
      : null,
  };
}

/** One task, or null. */
export async function readTask(store: Store, id: string): Promise<TaskView | null> {
  const rs = await store.execute({ sql: "SELECT * FROM tasks WHERE id = ?", args: [id] });
  return rs.rows[0] ? toView(rs.rows[0]) : null;
}

/** Filters of {@linkcode listTasks}. */
export interface TaskFilter {
  /** `local`: this host's tasks only; `fleet`: the fleet's only; absent: both. */
  scope?: "local" | "fleet";
  type?: string;
  status?: TaskStatus;
  since?: number;
  until?: number;
  cursor?: string;
  limit?: number;
}

/** A page of tasks, newest first, without their input and result (`GET /v1/tasks/{id}` has them). */
export async function listTasks(
  store: Store,
  f: TaskFilter,
): Promise<{ tasks: Omit<TaskView, "input" | "result">[]; next: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 50), 1), 500);
  const where: string[] = [];
  const args: InValue[] = [];
  if (f.type) (where.push("type = ?"), args.push(f.type));
  if (f.status) (where.push("status = ?"), args.push(f.status));
  if (f.since !== undefined) (where.push("created_at >= ?"), args.push(f.since));
  if (f.until !== undefined) (where.push("created_at < ?"), args.push(f.until));
  if (f.cursor) {
    const m = /^(\d{1,16})\.([0-9A-Za-z]{1,64})$/.exec(f.cursor);
    if (!m) throw new RangeError(`cursor "${f.cursor}" is not one this API gave; use its "next"`);
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    args.push(Number(m[1]), Number(m[1]), m[2]!);
  }
  const rs = await store.execute({
    sql: `SELECT id, type, plugin_id, tenant, status, priority, idempotency_key, error, progress,
      progress_message, attempt_log, created_at, started_at, finished_at, next_attempt_at,
      NULL AS input, NULL AS result FROM tasks
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [...args, limit + 1],
  });
  const tasks = rs.rows.slice(0, limit).map((r) => {
    const { input: _i, result: _r, ...rest } = toView(r);
    return rest;
  });
  const last = rs.rows[limit - 1];
  return {
    tasks,
    next: rs.rows.length > limit && last ? `${Number(last.created_at)}.${String(last.id)}` : null,
  };
}
