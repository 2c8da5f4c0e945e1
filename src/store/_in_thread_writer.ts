/**
 * Commits on the daemon's own thread, for a database file with `synchronous = NORMAL`: there a
 * commit is an append to the log without a sync (tens of µs), cheaper than the hand-off to the
 * writer thread and back (~300 µs of CPU per `?wait=true` on this machine, and two thread
 * wake-ups). What can still take long stays off the event loop: the log's automatic checkpoint
 * (which syncs the database file) is turned off on this connection and run by the writer thread
 * instead, at most once per `checkpointMs`, as `PRAGMA wal_checkpoint(PASSIVE)` (it never waits
 * for, nor blocks, a commit). With FULL every commit syncs, so the writer thread keeps them all.
 */
import type { InStatement } from "@libsql/client";
import { NativeWriter } from "./native_writer.ts";

/** What runs the checkpoints: the writer thread (see `_writer_thread.ts`). */
export interface Checkpointer {
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** A write connection on this thread; same contract as the writer thread's `batch()`. */
export class InThreadWriter {
  #writer: NativeWriter;
  #checkpointer: Checkpointer;
  #checkpointMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #dirty = false;
  #log: (message: string) => void;

  /**
   * Opens `path` with `pragmas` (plus no automatic checkpoint). `checkpointMs`: longest time a
   * commit waits for its checkpoint. @default 1000
   */
  constructor(
    path: string,
    pragmas: string[],
    checkpointer: Checkpointer,
    options: { checkpointMs?: number; log?: (message: string) => void } = {},
  ) {
    const { checkpointMs = 1000, log = (m) => console.error(`plugd: ${m}`) } = options;
    if (!(checkpointMs > 0)) throw new RangeError(`checkpointMs must be > 0; got ${checkpointMs}`);
    this.#writer = new NativeWriter(path, [...pragmas, "PRAGMA wal_autocheckpoint = 0"]);
    this.#checkpointer = checkpointer;
    this.#checkpointMs = checkpointMs;
    this.#log = log;
  }

  /** Commits `statements` atomically now; resolves with the commit's duration in ms. */
  batch(statements: InStatement[]): Promise<number> {
    const started = performance.now();
    try {
      this.#writer.batch(statements);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#dirty = true;
    this.#schedule();
    return Promise.resolve(performance.now() - started);
  }

  /** Runs a last checkpoint, closes this connection and the checkpointer. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    this.#writer.close();
    if (this.#dirty) await this.#checkpointer.checkpoint().catch(() => {});
    await this.#checkpointer.close();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#running !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#dirty = false;
      this.#running = this.#checkpointer.checkpoint()
        .catch((error) => this.#log(`checkpoint of the store's log failed: ${error.message}`))
        .finally(() => {
          this.#running = null;
          if (this.#dirty) this.#schedule();
        });
    }, this.#checkpointMs);
    Deno.unrefTimer(this.#timer);
  }
}
