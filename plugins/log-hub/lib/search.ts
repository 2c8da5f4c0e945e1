/** Runs a search: SQL for words, fields and time, then the regex filters, page by page. */
import type { PluginDatabase, SqlValue } from "@plugd/sdk";
import { parseQuery } from "./query.ts";
import { type SqlQuery, toSql } from "./sql_query.ts";
import type { StoredLogRow } from "./types.ts";

/** One line as searches return it. */
export interface LogHit {
  id: number;
  ts: number;
  time: string;
  level: string | null;
  status: number | null;
  path: string | null;
  source: string;
  msg: string;
  fields: Record<string, unknown> | null;
}

/** Options of {@linkcode searchLogs}. */
export interface SearchOptions {
  /** The query text (see query.ts). @default "" (everything) */
  query?: string;
  /** Only lines at or after this time (ms). */
  since?: number;
  /** Only lines before this time (ms). */
  until?: number;
  /** At most this many lines (1-200). @default 100 */
  limit?: number;
  /** Only lines stored after this id, oldest first (live tail). */
  afterId?: number;
  /** Most rows looked at for regex filters before answering with what was found. @default 50000 */
  scanLimit?: number;
}

/** What a search found. */
export interface SearchResult {
  hits: LogHit[];
  /** Rows SQL returned (more than hits when regex filters dropped some). */
  scanned: number;
  /** True when the scan limit stopped a regex search before `limit` hits. */
  partial: boolean;
  /** Where a live tail continues: the newest id this search covered. */
  lastId: number;
}

const REGEX_PAGE = 500;
const MAX_TEXT = 3000;

function matches(q: SqlQuery, hit: LogHit): boolean {
  for (const r of q.regexes) {
    const value = r.field === null || r.field === "msg" || r.field === "message"
      ? hit.msg
      : r.field in hit && r.field !== "fields"
      ? (hit as unknown as Record<string, unknown>)[r.field]
      : hit.fields?.[r.field];
    const ok = value !== undefined && value !== null && r.pattern.test(String(value));
    if (ok === r.negate) return false;
  }
  return true;
}

function toHit(r: StoredLogRow): LogHit {
  let fields: Record<string, unknown> | null = null;
  if (r.fields) {
    try {
      fields = JSON.parse(r.fields);
    } catch {
      fields = { _truncated: true };
    }
  }
  return {
    id: Number(r.id),
    ts: Number(r.ts),
    time: new Date(Number(r.ts)).toISOString(),
    level: r.level,
    status: r.status === null ? null : Number(r.status),
    path: r.path,
    source: r.source,
    msg: r.msg,
    fields,
  };
}

/**
 * Searches the stored lines, newest first: by the line's own time, or by arrival when the query
 * has words (the full-text index's order); oldest first after `afterId`. Throws a `SyntaxError`
 * for a query it cannot read.
 */
export async function searchLogs(db: PluginDatabase, o: SearchOptions = {}): Promise<SearchResult> {
  const limit = Math.min(200, Math.max(1, Math.trunc(o.limit ?? 100)));
  const q = toSql(parseQuery(o.query ?? ""));
  const conds = [q.where];
  const args: SqlValue[] = [...q.args];
  if (o.since !== undefined) conds.push("l.ts >= ?"), args.push(o.since);
  if (o.until !== undefined) conds.push("l.ts < ?"), args.push(o.until);
  const from = q.match ? "logs_fts JOIN logs l ON l.id = logs_fts.rowid" : "logs l";
  if (q.match) conds.unshift("logs_fts MATCH ?"), args.unshift(q.match);
  const tail = o.afterId !== undefined;
  // Read first: a tail answers up to this id, so a line stored during the search is not skipped.
  const top = await db.execute<{ id: number | null }>("SELECT max(id) AS id FROM logs");
  const lastId = Number(top.rows[0]?.id ?? 0);
  if (tail) conds.push("l.id <= ?"), args.push(lastId);
  const cols =
    `l.id, l.ts, l.level, l.status, l.path, l.source, substr(l.msg, 1, ${MAX_TEXT}) AS msg,
    CASE WHEN length(l.fields) <= ${MAX_TEXT} THEN l.fields END AS fields`;
  const hits: LogHit[] = [];
  let scanned = 0;
  let cursor: { ts: number; id: number } | null = null;
  let after = o.afterId ?? 0;
  const scanLimit = o.scanLimit ?? 50_000;
  // Searches with words walk the full-text index newest first (by arrival, its rowid order), so
  // a common word stops after `limit` hits instead of sorting every match by time.
  const byArrival = tail || q.match !== null;
  let pageSize = q.regexes.length ? REGEX_PAGE : limit;
  while (hits.length < limit) {
    const page: SqlValue[] = [];
    let keyset = "";
    if (tail) keyset = " AND l.id > ?", page.push(after);
    else if (cursor && byArrival) keyset = " AND l.id < ?", page.push(cursor.id);
    else if (cursor) {
      keyset = " AND (l.ts < ? OR (l.ts = ? AND l.id < ?))";
      page.push(cursor.ts, cursor.ts, cursor.id);
    }
    const order = tail ? "l.id ASC" : q.match ? "logs_fts.rowid DESC" : "l.ts DESC, l.id DESC";
    let rows: StoredLogRow[];
    try {
      ({ rows } = await db.execute<StoredLogRow>(
        `SELECT ${cols} FROM ${from} WHERE ${
          conds.join(" AND ")
        }${keyset} ORDER BY ${order} LIMIT ?`,
        [...args, ...page, pageSize],
      ));
    } catch (e) {
      // Long lines can make a regex page too large for one answer: ask for fewer.
      if ((e as Error).name !== "DbResultTooLargeError" || pageSize <= 25) throw e;
      pageSize = Math.floor(pageSize / 4);
      continue;
    }
    scanned += rows.length;
    for (const r of rows) {
      const hit = toHit(r);
      if (matches(q, hit)) hits.push(hit);
      if (hits.length === limit) break;
    }
    if (rows.length < pageSize || q.regexes.length === 0) break;
    const last = rows[rows.length - 1]!;
    cursor = { ts: Number(last.ts), id: Number(last.id) };
    after = Number(last.id);
    if (scanned >= scanLimit) break;
  }
  return {
    hits,
    scanned,
    partial: hits.length < limit && scanned >= scanLimit,
    // A tail that filled its page continues after its last hit, else after everything it saw.
    lastId: tail && hits.length === limit
      ? hits[hits.length - 1]!.id
      : tail && scanned >= scanLimit
      ? after
      : lastId,
  };
}
