/**
 * Commits on the daemon's own thread, for a database file: the connection has
 * `synchronous = NORMAL`, where a commit is an append to the log without a sync (tens of µs),
 * cheaper than the hand-off to the writer thread and back (~300 µs of CPU per `?wait=true` on
 * this machine, and two thread wake-ups). What can take long stays off the event loop:
 * - the log's automatic checkpoint (which syncs the database file) is turned off on this
 *   connection and run by the writer thread instead, `checkpointMs` after the first commit that
 *   waits for one (sooner once `busyCommits` wait), as `PRAGMA wal_checkpoint(PASSIVE)` (it never
 *   waits for, nor blocks, a commit);
 * - with `syncLog` (the store's `synchronous: "full"`), each commit resolves only once the log
 *   is synced to the disk (`_log_sync.ts`: `fdatasync` on Deno's blocking thread pool), which is
 *   what a FULL commit does before it returns; other connections may read the commit during
 *   that sync (a power loss then loses what they read, never what was acknowledged);
 * - with `offload`, a big commit (more arguments than `offload.above`, or more bytes of text and
 *   blobs than `offload.aboveBytes`) goes to the writer thread instead: its CPU then runs beside the event loop's, which a busy intake needs more than it
 *   needs the hand-off saved (docs/performance.md, "Event intake (issue 23, fifth round)").
 */
import type { InStatement, InValue } from "@libsql/client";
import { LogSync } from "./_log_sync.ts";
import { NativeWriter } from "./native_writer.ts";

/** How soon a checkpoint runs once `busyCommits` commits wait for one (ms). */
export const BUSY_CHECKPOINT_MS = 1000;

/** What runs the checkpoints: the writer thread (see `_writer_thread.ts`). */
export interface Checkpointer {
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** Where big commits go: the writer thread's `batch()` (its own connection, its own syncs). */
export interface Offload {
  /** Commits with more arguments than this are offloaded. */
  above: number;
  /** Commits whose text and blob arguments hold more bytes than this are offloaded. */
  aboveBytes: number;
  batch(statements: InStatement[]): Promise<number>;
}

/**
 * The arguments of `statements` in all, and the length of their text and blob arguments: how much
 * a commit writes, roughly (one JSON argument can carry many rows, or a large event).
 */
export function argumentSize(statements: InStatement[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const s of statements) {
    if (typeof s === "string" || !s.args) continue;
    const values = Array.isArray(s.args) ? s.args : Object.values(s.args);
    count += values.length;
    for (const v of values) {
      if (typeof v === "string") bytes += v.length;
      else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) bytes += v.byteLength;
    }
  }
  return { count, bytes };
}

/** A write connection on this thread; same contract as the writer thread's `batch()`. */
export class InThreadWriter {
  #writer: NativeWriter;
  #checkpointer: Checkpointer;
  #checkpointMs: number;
  #busyCommits: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDue = Infinity;
  #running: Promise<void> | null = null;
  #dirty = false;
  /** Commits since the last checkpoint started. */
  #commits = 0;
  #log: (message: string) => void;
  #logSync: LogSync | null;
  #offload: Offload | null;

  /**
   * Opens `path` with `pragmas` (plus no automatic checkpoint). `checkpointMs`: longest time a
   * commit waits for its checkpoint. @default 1000. `busyCommits`: once this many commits wait
   * for a checkpoint, it runs within `BUSY_CHECKPOINT_MS` (1 s) instead (bounds the log's size
   * when `checkpointMs` is long). @default Infinity. `syncLog`: each commit resolves once its log
   * is synced (FULL durability; `pragmas` should then set NORMAL). @default false. `offload`:
   * where big commits go. @default none: every commit runs here
   */
  constructor(
    path: string,
    pragmas: string[],
    checkpointer: Checkpointer,
    options: {
      checkpointMs?: number;
      busyCommits?: number;
      syncLog?: boolean;
      offload?: Offload;
      log?: (message: string) => void;
    } = {},
  ) {
    const { checkpointMs = 1000, busyCommits = Infinity } = options;
    const { log = (m) => console.error(`plugd: ${m}`) } = options;
    if (!(checkpointMs > 0)) throw new RangeError(`checkpointMs must be > 0; got ${checkpointMs}`);
    if (!(busyCommits > 0)) throw new RangeError(`busyCommits must be > 0; got ${busyCommits}`);
    this.#busyCommits = busyCommits;
    this.#writer = new NativeWriter(path, [...pragmas, "PRAGMA wal_autocheckpoint = 0"]);
    this.#checkpointer = checkpointer;
    this.#checkpointMs = checkpointMs;
    this.#log = log;
    this.#logSync = options.syncLog ? new LogSync(path) : null;
    this.#offload = options.offload ?? null;
  }

  /**
   * Commits `statements` atomically now (with `syncLog`, resolves once the log is synced, and
   * calls `written` while the sync runs); resolves with the commit's duration in ms.
   */
  batch(statements: InStatement[], written?: () => void): Promise<number> {
    if (this.#offload !== null && this.#big(statements, this.#offload)) {
      this.#dirty = true;
      this.#commits++;
      this.#schedule();
      return this.#offload.batch(statements);
    }
    const started = performance.now();
    try {
      this.#writer.batch(statements);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#dirty = true;
    this.#commits++;
    this.#schedule();
    if (this.#logSync === null) return Promise.resolve(performance.now() - started);
    // Committed and visible; durable once the log's sync is done. The sync is started before
    // `written` runs (it hands the batch to delivery, whose frame write to a plugin would
    // otherwise delay the sync, which a `?wait=true` waits for).
    const synced = this.#logSync.sync();
    written?.();
    return synced.then(() => performance.now() - started);
  }

  /**
   * Runs a read statement on this connection (its statement kept prepared): see
   * `NativeWriter.read`. It sees every commit made here and every offloaded one that resolved.
   */
  read(sql: string, args: InValue[]): unknown[][] {
    return this.#writer.read(sql, args);
  }

  #big(statements: InStatement[], offload: Offload): boolean {
    const { count, bytes } = argumentSize(statements);
    return count > offload.above || bytes > offload.aboveBytes;
  }

  /** Runs a last checkpoint, closes this connection and the checkpointer. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    this.#writer.close();
    this.#logSync?.close();
    if (this.#dirty) await this.#checkpointer.checkpoint().catch(() => {});
    await this.#checkpointer.close();
  }

  #schedule(): void {
    if (this.#running !== null) return; // a checkpoint under way schedules the next one itself
    const busy = this.#commits >= this.#busyCommits;
    const wait = busy ? Math.min(this.#checkpointMs, BUSY_CHECKPOINT_MS) : this.#checkpointMs;
    const due = performance.now() + wait;
    if (this.#timer !== null) {
      if (this.#timerDue <= due) return;
      clearTimeout(this.#timer); // busy now: sooner than the timer set by the first commit
    }
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerDue = Infinity;
      this.#dirty = false;
      this.#commits = 0;
      this.#running = this.#checkpointer.checkpoint()
        .catch((error) => this.#log(`checkpoint of the store's log failed: ${error.message}`))
        .finally(() => {
          this.#running = null;
          if (this.#dirty) this.#schedule();
        });
    }, wait);
    Deno.unrefTimer(this.#timer);
  }
}
