/**
 * The part of libSQL's native driver (`libsql`) the writer thread uses, typed here: the package's
 * own declarations reference `@types/node`, which would replace Deno's Node types (`node:assert`
 * among them) in every program type-checked with the store.
 */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  readonly reader: boolean;
  run(params: unknown[] | Record<string, unknown>): RunResult;
  all(params: unknown[] | Record<string, unknown>): unknown[];
  /** Rows as arrays of column values from now on (or as objects again with `false`). */
  raw(raw?: boolean): Statement;
}

export default class Database {
  constructor(path: string);
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
}
