/** Frames between the daemon and a database process (NDJSON, one request at a time). */
import type { WireValue } from "./db_values.ts";

/** One statement with its arguments (`?` list or `:name` object). */
export interface DbStatement {
  sql: string;
  args?: unknown[] | Record<string, unknown>;
}

/** What `execute` answers (and each entry of a batch). */
export interface DbResult {
  columns: string[];
  rows: Record<string, WireValue>[];
  rowsAffected: number;
  lastInsertRowid: number | null;
}

/** Daemon → database process. */
export type DbRequest =
  & { id: number }
  & (
    | { op: "open"; path: string; quotaBytes: number; heapBytes: number; resultBytes: number }
    | ({ op: "execute" } & DbStatement)
    | { op: "batch"; statements: DbStatement[] }
    | { op: "script"; statements: DbStatement[] }
    | { op: "begin" | "commit" | "rollback" | "stats" | "checkpoint" }
    /** A consistent copy into `path` (inside the database's folder): `VACUUM INTO`. */
    | { op: "copy"; path: string }
  );

/** Database process → daemon. */
export type DbResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };
