/**
 * Writes execution records in batches, off the path of the calls they describe: rows wait in
 * memory (bounded) for up to `lingerMs` or until `batchRows` are queued, then go in one commit.
 * Records are observability, not state: when the database cannot keep up, the oldest waiting
 * rows are dropped and counted rather than slowing plugins down.
 */
import type { Store } from "../store/mod.ts";
import { type ExecutionRow, insertExecutionStatements } from "./execution_rows.ts";

export type { ExecutionRow };

/** Options of {@linkcode ExecutionWriter}. */
export interface ExecutionWriterOptions {
  /** Longest a row waits before its batch is written. @default 200 */
  lingerMs?: number;
  /** Rows that start a write at once. @default 1000 */
  batchRows?: number;
  /** Rows kept waiting at most; older ones are dropped beyond it. @default 50000 */
  maxQueued?: number;
  /** @default console.error */
  log?: (message: string) => void;
}

/** See the module doc. */
export class ExecutionWriter {
  #store: Store;
  #o: Required<ExecutionWriterOptions>;
  #queue: ExecutionRow[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> | null = null;
  #dropped = 0;
  #written = 0;

  constructor(store: Store, options: ExecutionWriterOptions = {}) {
    const {
      lingerMs = 200,
      batchRows = 1000,
      maxQueued = 50_000,
      log = (m) => console.error(`plugd: ${m}`),
    } = options;
    for (const [name, v] of Object.entries({ lingerMs, batchRows, maxQueued })) {
      if (!Number.isInteger(v) || v < (name === "lingerMs" ? 0 : 1)) {
        throw new RangeError(`${name} must be a positive integer; got ${v}`);
      }
    }
    this.#store = store;
    this.#o = { lingerMs, batchRows, maxQueued, log };
  }

  /** Rows dropped because the database fell behind, and rows written, since start. */
  get counts(): { dropped: number; written: number; queued: number } {
    return { dropped: this.#dropped, written: this.#written, queued: this.#queue.length };
  }

  /** Queues one row. */
  add(row: ExecutionRow): void {
    this.#queue.push(row);
    if (this.#queue.length > this.#o.maxQueued) {
      const over = this.#queue.length - this.#o.maxQueued;
      this.#queue.splice(0, over);
      this.#dropped += over;
    }
    if (this.#flushing) return; // the running flush loops until the queue is empty
    if (this.#queue.length >= this.#o.batchRows) this.#start();
    else this.#timer ??= setTimeout(() => this.#start(), this.#o.lingerMs);
  }

  /** Writes everything queued so far. */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#flushing) {
      if (!this.#flushing) this.#start();
      await this.#flushing;
    }
  }

  #start(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#flushing ??= this.#flush();
  }

  /**
   * Writes what is queued, and again while a full batch waits. Rows queued meanwhile that make
   * no full batch wait for the linger instead: each write of records rewrites the last, partly
   * filled pages of the table and of its indexes, so many small batches wrote several times the
   * records' own bytes (docs/performance.md, "Event intake: execution records (issue 23, twelfth
   * round)").
   */
  async #flush(): Promise<void> {
    try {
      do {
        const rows = this.#queue.splice(0, this.#o.batchRows * 4);
        try {
          await this.#store.write(() => ({ statements: insertExecutionStatements(rows) }), {
            shareCommit: true,
            // Then ride along with the next commit (the intake's, usually) for a little longer.
            lingerMs: Math.min(this.#o.lingerMs, 50),
          });
          this.#written += rows.length;
        } catch (error) {
          this.#dropped += rows.length;
          this.#o.log(
            `could not write ${rows.length} execution records: ${(error as Error).message}`,
          );
        }
      } while (this.#queue.length >= this.#o.batchRows);
    } finally {
      // Cleared in the same turn as the last check of the queue (see IntakeQueue).
      this.#flushing = null;
      if (this.#queue.length > 0) {
        this.#timer ??= setTimeout(() => this.#start(), this.#o.lingerMs);
      }
    }
  }
}
