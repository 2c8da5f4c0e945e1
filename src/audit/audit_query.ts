/** Filtered reads of the audit log (`GET /v1/audit?actor=&action=&target=&since=&until=&result=`). */
import type { InValue } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { AuditRow } from "./audit_log.ts";

/**
 * Filters of {@linkcode queryAudit}. `actor`, `action` and `target` match exactly, or as a
 * prefix when they end in `*` (`actor=socket*`, `action=plugin.*`); `since`/`until` are ISO
 * 8601 times (inclusive / exclusive).
 */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  result?: string;
  since?: string;
  until?: string;
  /** Rows after this seq (paging). @default 0 */
  afterSeq?: number;
  /** Rows before this seq (paging backwards, with `newestFirst`). */
  beforeSeq?: number;
  /** Newest first instead of oldest first. @default false */
  newestFirst?: boolean;
  /** @default 100 */
  limit?: number;
}

/** Rows matching `filter`, oldest first (or newest first). */
export async function queryAudit(store: Store, filter: AuditFilter = {}): Promise<AuditRow[]> {
  const where = ["seq > ?"];
  const args: InValue[] = [filter.afterSeq ?? 0];
  if (filter.beforeSeq !== undefined) {
    where.push("seq < ?");
    args.push(filter.beforeSeq);
  }
  for (const column of ["actor", "action", "target"] as const) {
    const value = filter[column];
    if (value === undefined) continue;
    if (value.endsWith("*")) {
      // GLOB is case-sensitive and its own metacharacters are escaped by character classes.
      where.push(`${column} GLOB ?`);
      args.push(value.slice(0, -1).replace(/[*?[\]]/g, "[$&]") + "*");
    } else {
      where.push(`${column} = ?`);
      args.push(value);
    }
  }
  if (filter.result !== undefined) {
    where.push("result = ?");
    args.push(filter.result);
  }
  if (filter.since !== undefined) {
    where.push("ts >= ?");
    args.push(new Date(filter.since).toISOString());
  }
  if (filter.until !== undefined) {
    where.push("ts < ?");
    args.push(new Date(filter.until).toISOString());
  }
  args.push(filter.limit ?? 100);
  const rs = await store.execute({
    sql: `SELECT seq, ts, actor, action, target, result, detail, prev_hash, hash FROM audit_log
          WHERE ${where.join(" AND ")} ORDER BY seq${filter.newestFirst ? " DESC" : ""} LIMIT ?`,
    args,
  });
  return rs.rows.map((r) => ({
    seq: Number(r.seq),
    ts: String(r.ts),
    actor: String(r.actor),
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    result: String(r.result),
    detail: r.detail === null ? null : JSON.parse(String(r.detail)),
    prev_hash: String(r.prev_hash),
    hash: String(r.hash),
  }));
}
