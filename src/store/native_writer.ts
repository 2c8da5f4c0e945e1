/**
 * The writer thread's connection to a database file: libSQL's native driver (`libsql`, the one
 * under `@libsql/client`) with each statement prepared once and kept by its SQL text. The client's
 * `batch()` prepares every statement, `BEGIN` and `COMMIT` anew on each commit and builds result
 * sets nobody reads; on the daemon's commits (a few statements each, mostly the same SQL text)
 * that was over half of the writer's CPU (docs/performance.md, "The daemon path").
 *
 * Only the writer thread loads it; remote databases keep `@libsql/client`.
 * @module
 */
import { Buffer } from "node:buffer";
// @ts-types="./_libsql_driver.d.ts"
import Database from "libsql";
import type { Statement as Prepared } from "./_libsql_driver.d.ts";
import type { InArgs, InStatement, InValue } from "@libsql/client";

type Db = InstanceType<typeof Database>;

/** A prepared statement and whether it returns rows. */
interface Kept {
  stmt: Prepared;
  reader: boolean;
}

/** Statements kept prepared at most (multi-row INSERTs differ by their row count). */
export const MAX_PREPARED = 512;

/** A statement's argument as the driver takes it (the same conversions as `@libsql/client`). */
function driverValue(value: InValue): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    }
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) {
    throw new TypeError("undefined cannot be passed as argument to the database");
  }
  return value;
}

function driverArgs(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined || args === null) return [];
  if (Array.isArray(args)) return args.map(driverValue);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const bare = name[0] === "@" || name[0] === "$" || name[0] === ":" ? name.slice(1) : name;
    named[bare] = driverValue(value);
  }
  return named;
}

/** The file a plain `file:` URL names (no query, not `:memory:`), else null. */
export function localPath(url: string): string | null {
  if (!url.startsWith("file:") || /[?#]/.test(url)) return null;
  const path = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url.slice(5);
  return path === "" || path === ":memory:" ? null : path;
}

/**
 * One write connection with a statement cache. `batch()` is atomic (`BEGIN IMMEDIATE` … `COMMIT`,
 * rolled back on any error); errors are the driver's (`code` such as `SQLITE_FULL` kept).
 */
export class NativeWriter {
  #db: Db;
  #prepared = new Map<string, Kept>();
  /** Read statements kept prepared, in raw mode (rows as arrays), by their SQL text. */
  #reads = new Map<string, Prepared>();

  /** Opens `path` and runs `pragmas` on the connection. */
  constructor(path: string, pragmas: string[]) {
    this.#db = new Database(path);
    for (const pragma of pragmas) this.#db.exec(pragma);
  }

  /** How many statements are kept prepared (for tests). */
  get preparedCount(): number {
    return this.#prepared.size;
  }

  /** Commits `statements` as one transaction. */
  batch(statements: InStatement[]): void {
    this.#statement("BEGIN IMMEDIATE").stmt.run([]);
    let committed = false;
    try {
      for (const s of statements) {
        const { sql, args } = typeof s === "string" ? { sql: s, args: undefined } : s;
        const { stmt, reader } = this.#statement(sql);
        const bound = driverArgs(args);
        // A statement returning rows (RETURNING, a PRAGMA) is run for its effect all the same.
        if (reader) stmt.all(bound);
        else stmt.run(bound);
      }
      this.#statement("COMMIT").stmt.run([]);
      committed = true;
    } finally {
      // Asked of the driver only on failure (each question is a native call).
      if (!committed && this.#db.inTransaction) this.#db.exec("ROLLBACK");
    }
  }

  /**
   * Runs one read statement outside any transaction and returns its rows as arrays of column
   * values (in the statement's column order). The statement is prepared at its first use and kept
   * (a few fixed SQL texts: see {@linkcode Store.readRows}).
   */
  read(sql: string, args: InValue[]): unknown[][] {
    let stmt = this.#reads.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql).raw();
      if (this.#reads.size >= MAX_PREPARED) this.#reads.delete(this.#reads.keys().next().value!);
      this.#reads.set(sql, stmt);
    }
    // Read to the end: the statement then ends its read transaction.
    return stmt.all(args.map(driverValue)) as unknown[][];
  }

  /** Copies the log's committed pages into the database file without waiting for anyone. */
  checkpoint(): void {
    this.#db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  }

  /** Closes the connection. */
  close(): void {
    this.#prepared.clear();
    this.#reads.clear();
    this.#db.close();
  }

  #statement(sql: string): Kept {
    let kept = this.#prepared.get(sql);
    if (kept) {
      // Most recently used last, so the first entry is the one to drop.
      this.#prepared.delete(sql);
      this.#prepared.set(sql, kept);
      return kept;
    }
    const stmt = this.#db.prepare(sql);
    // Whether it returns rows, asked once (a native call) rather than at every run.
    kept = { stmt, reader: stmt.reader };
    if (this.#prepared.size >= MAX_PREPARED) {
      this.#prepared.delete(this.#prepared.keys().next().value!);
    }
    this.#prepared.set(sql, kept);
    return kept;
  }
}
