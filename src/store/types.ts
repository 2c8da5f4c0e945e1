import type { InStatement } from "@libsql/client";

/** One versioned schema change, applied atomically with its bookkeeping row. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** What a `Store.write()` builder returns. */
export interface WriteBatch<T> {
  statements: InStatement[];
  value?: T;
  /** Runs after the batch committed, before the next write starts. */
  afterCommit?: () => void;
}

/** Options of `Store.write()`. */
export interface WriteOptions {
  /**
   * The batch may share one commit with other such batches waiting at the same time (group
   * commit; each batch stays atomic). Only for builders that read nothing another sharing batch
   * writes: a sharing builder may run before the batches ahead of it in its group are committed.
   * @default false
   */
  shareCommit?: boolean;
  /**
   * With `shareCommit`: the batch may wait this long for another sharing commit to ride along
   * with, and is committed on its own only when none comes (for writes nobody waits on at once:
   * delivery outcomes, execution records). A stop commits lingering batches at once. @default 0
   */
  lingerMs?: number;
}
