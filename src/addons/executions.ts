/** The `addon_executions` rows: one record per contract call. */
import type { InStatement, Row } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { ExecutionKind, ExecutionRecord } from "./types.ts";

function toRecord(row: Row, withOutput: boolean): ExecutionRecord {
  const num = (v: unknown) => v === null ? null : Number(v);
  return {
    id: String(row.id),
    plugin: String(row.plugin_id),
    kind: String(row.kind) as ExecutionKind,
    name: String(row.name) as ExecutionRecord["name"],
    status: String(row.status) as ExecutionRecord["status"],
    actor: String(row.actor),
    started_at: String(row.started_at),
    finished_at: row.finished_at === null ? null : String(row.finished_at),
    duration_ms: num(row.duration_ms),
    error: row.error === null ? null : String(row.error),
    result: row.result === null ? null : JSON.parse(String(row.result)),
    plugin_version: String(row.plugin_version),
    args: JSON.parse(String(row.args)),
    exit_code: num(row.exit_code),
    signal: row.signal === null ? null : String(row.signal),
    stdout: withOutput ? String(row.stdout) : "",
    stderr: withOutput ? String(row.stderr) : "",
    stdout_bytes: Number(row.stdout_bytes),
    stderr_bytes: Number(row.stderr_bytes),
    truncated: Number(row.truncated) === 1,
    status_before: row.status_before === null ? null : String(row.status_before) as never,
    status_after: row.status_after === null ? null : String(row.status_after) as never,
  };
}

const COLUMNS = [
  "id",
  "plugin_id",
  "kind",
  "name",
  "status",
  "actor",
  "started_at",
  "finished_at",
  "duration_ms",
  "error",
  "result",
  "plugin_version",
  "args",
  "exit_code",
  "signal",
  "stdout",
  "stderr",
  "stdout_bytes",
  "stderr_bytes",
  "truncated",
  "status_before",
  "status_after",
];

/** The INSERT (or, for a record that is finishing, the replace) of one record. */
export function saveExecutionStatement(r: ExecutionRecord): InStatement {
  return {
    sql: `INSERT OR REPLACE INTO addon_executions (${COLUMNS.join(", ")})
          VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    args: [
      r.id,
      r.plugin,
      r.kind,
      r.name,
      r.status,
      r.actor,
      r.started_at,
      r.finished_at,
      r.duration_ms,
      r.error,
      r.result === null || r.result === undefined ? null : JSON.stringify(r.result),
      r.plugin_version,
      JSON.stringify(r.args),
      r.exit_code,
      r.signal,
      r.stdout,
      r.stderr,
      r.stdout_bytes,
      r.stderr_bytes,
      r.truncated ? 1 : 0,
      r.status_before,
      r.status_after,
    ],
  };
}

/** One record with its output, or null. */
export async function getExecution(
  store: Store,
  pluginId: string,
  id: string,
): Promise<ExecutionRecord | null> {
  const rs = await store.execute({
    sql: "SELECT * FROM addon_executions WHERE plugin_id = ? AND id = ?",
    args: [pluginId, id],
  });
  return rs.rows[0] ? toRecord(rs.rows[0], true) : null;
}

/** Filters of {@linkcode listExecutions}. */
export interface ExecutionFilter {
  kind?: ExecutionKind;
  status?: string;
  /** @default 50, at most 500 */
  limit?: number;
}

/** An addon's records, newest first, without their output (see {@linkcode getExecution}). */
export async function listExecutions(
  store: Store,
  pluginId: string,
  filter: ExecutionFilter = {},
): Promise<ExecutionRecord[]> {
  const where = ["plugin_id = ?"];
  const args: (string | number)[] = [pluginId];
  if (filter.kind) (where.push("kind = ?"), args.push(filter.kind));
  if (filter.status) (where.push("status = ?"), args.push(filter.status));
  args.push(Math.min(Math.max(filter.limit ?? 50, 1), 500));
  const rs = await store.execute({
    sql: `SELECT * FROM addon_executions WHERE ${where.join(" AND ")}
          ORDER BY started_at DESC, rowid DESC LIMIT ?`,
    args,
  });
  return rs.rows.map((row) => toRecord(row, false));
}

/** Records still `running` (after a restart: the calls the daemon's stop cut short). */
export async function runningExecutions(store: Store): Promise<ExecutionRecord[]> {
  const rs = await store.execute("SELECT * FROM addon_executions WHERE status = 'running'");
  return rs.rows.map((row) => toRecord(row, true));
}

/** Keeps the newest `keep` checks of one addon (operations are kept: they are the history). */
export function pruneChecksStatement(pluginId: string, keep: number): InStatement {
  return {
    sql: `DELETE FROM addon_executions WHERE plugin_id = ? AND kind = 'check' AND id NOT IN (
            SELECT id FROM addon_executions WHERE plugin_id = ? AND kind = 'check'
            ORDER BY started_at DESC, rowid DESC LIMIT ?)`,
    args: [pluginId, pluginId, keep],
  };
}
