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
  /**
   * Runs as soon as the batch is committed and visible to reads, which with
   * `synchronous: "full"` may be before the log's sync makes it durable (and before the write
   * resolves): for work that may start on committed data but must not be acknowledged yet. Should
   * the sync then fail, the write rejects all the same. Once at most; never for a batch that was
   * not committed.
   */
  afterWrite?: () => void;
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
