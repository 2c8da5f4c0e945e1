/**
 * The database process: one per plugin database, started by the daemon (never inside a plugin)
 * with only that database's folder in its mount namespace. It loads libSQL's native addon, opens
 * the file with its size quota and memory cap, and answers one NDJSON request at a time on
 * stdin/stdout. The daemon enforces time limits by killing it.
 * @module
 */
import Database from "libsql";
import { decodeValue, encodeRow } from "./db_values.ts";
import type { DbRequest, DbResult } from "./db_wire.ts";

type Db = InstanceType<typeof Database>;
type Stmt = ReturnType<Db["prepare"]>;

const encoder = new TextEncoder();
let db: Db | undefined;
let maxResultBytes = 768 * 1024;

function send(frame: unknown): void {
  const bytes = encoder.encode(JSON.stringify(frame) + "\n");
  let off = 0;
  while (off < bytes.byteLength) off += Deno.stdout.writeSync(bytes.subarray(off));
}

function open(path: string, quotaBytes: number, heapBytes: number, resultBytes: number): void {
  db = new Database(path);
  maxResultBytes = resultBytes;
  db.exec("PRAGMA journal_mode = WAL");
  const pageSize = Number(
    (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size,
  );
  // The quota, enforced by SQLite itself: a write past it fails with SQLITE_FULL.
  db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(quotaBytes / pageSize))}`);
  db.exec(`PRAGMA journal_size_limit = ${quotaBytes}`);
  db.exec(`PRAGMA hard_heap_limit = ${heapBytes}`);
  db.exec("PRAGMA trusted_schema = OFF");
}

function need(): Db {
  if (!db) throw new Error("database not open");
  return db;
}

function bind(args: unknown): unknown[] | Record<string, unknown> {
  if (args === undefined || args === null) return [];
  if (Array.isArray(args)) return args.map(decodeValue);
  if (typeof args === "object") {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, decodeValue(v)]));
  }
  throw new TypeError("args must be a list (for ?) or an object (for :name)");
}

const CHANGES = /^\s*(insert|update|delete|replace|with)\b/i;

/** Prepared statements by SQL text (a batch of one INSERT is prepared once). */
const prepared = new Map<string, Stmt>();

function prepare(sql: string): Stmt {
  let stmt = prepared.get(sql);
  if (!stmt) {
    stmt = need().prepare(sql);
    if (prepared.size >= 64) prepared.delete(prepared.keys().next().value!);
    prepared.set(sql, stmt);
  }
  return stmt;
}

function run(sql: string, args: unknown): DbResult {
  const d = need();
  const stmt: Stmt = prepare(sql);
  const params = bind(args);
  if (!stmt.reader) {
    const r = stmt.run(params) as { changes: number; lastInsertRowid: number | bigint };
    return {
      columns: [],
      rows: [],
      rowsAffected: r.changes,
      lastInsertRowid: r.changes > 0 ? Number(r.lastInsertRowid) : null,
    };
  }
  const columns = (stmt.columns() as { name: string }[]).map((c) => c.name);
  const rows: DbResult["rows"] = [];
  let bytes = 0;
  for (const row of stmt.iterate(params) as Iterable<Record<string, unknown>>) {
    const encoded = encodeRow(row);
    bytes += JSON.stringify(encoded).length;
    if (bytes > maxResultBytes) {
      const e = new RangeError(
        `the result is larger than ${maxResultBytes} bytes; add a LIMIT or select fewer columns`,
      );
      e.name = "DbResultTooLargeError";
      throw e;
    }
    rows.push(encoded);
  }
  let rowsAffected = 0;
  let lastInsertRowid: number | null = null;
  if (CHANGES.test(sql)) {
    const c = d.prepare("SELECT changes() AS n, last_insert_rowid() AS id").get() as {
      n: number;
      id: number;
    };
    rowsAffected = c.n;
    lastInsertRowid = c.n > 0 ? Number(c.id) : null;
  }
  return { columns, rows, rowsAffected, lastInsertRowid };
}

function inTransaction<T>(fn: () => T): T {
  const d = need();
  d.exec("BEGIN IMMEDIATE");
  try {
    const value = fn();
    d.exec("COMMIT");
    return value;
  } catch (e) {
    if (d.inTransaction) d.exec("ROLLBACK");
    throw e;
  }
}

function handle(r: DbRequest): unknown {
  switch (r.op) {
    case "open":
      return open(r.path, r.quotaBytes, r.heapBytes, r.resultBytes);
    case "execute":
      return run(r.sql, r.args);
    case "batch":
      return inTransaction(() => r.statements.map((s) => run(s.sql, s.args)));
    case "begin":
      return need().exec("BEGIN IMMEDIATE");
    case "commit":
      return need().exec("COMMIT");
    case "rollback":
      return need().inTransaction ? need().exec("ROLLBACK") : undefined;
    case "script":
      // A migration: every statement (already checked) in one transaction, with its record.
      return inTransaction(() => {
        for (const s of r.statements) run(s.sql, s.args);
      });
    case "stats": {
      const d = need();
      const count = Number(
        (d.prepare("PRAGMA page_count").get() as { page_count: number }).page_count,
      );
      const size = Number((d.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
      return { bytes: count * size };
    }
    case "checkpoint":
      return need().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    case "copy":
      // One read transaction: a consistent copy while the plugin's own process keeps writing.
      need().prepare("VACUUM INTO ?").run(r.path);
      return undefined;
  }
}

function wireError(e: unknown): { name: string; message: string; code?: string } {
  const err = e as { name?: string; message?: string; code?: string };
  return {
    name: err?.name ?? "Error",
    message: String(err?.message ?? e).slice(0, 4096),
    ...(typeof err?.code === "string" ? { code: err.code } : {}),
  };
}

// Nothing but frames on stdout: anything else a library prints goes to stderr.
console.log = console.error;
const decoder = new TextDecoder();
const buf = new Uint8Array(64 * 1024);
let pending = "";
while (true) {
  const n = await Deno.stdin.read(buf);
  if (n === null) break;
  pending += decoder.decode(buf.subarray(0, n), { stream: true });
  let nl: number;
  while ((nl = pending.indexOf("\n")) !== -1) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (!line) continue;
    const r = JSON.parse(line) as DbRequest;
    try {
      send({ id: r.id, ok: true, value: handle(r) ?? null });
    } catch (e) {
      send({ id: r.id, ok: false, error: wireError(e) });
    }
  }
}
db?.close();
