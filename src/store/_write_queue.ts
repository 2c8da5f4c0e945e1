/**
 * The store's write queue: writes run one at a time, in the order they were asked for. Writes
 * marked `shareCommit` that are waiting together go out as one transaction (group commit): on a
 * disk where an fsync costs 1-20 ms, the intake, delivery outcomes, execution records and task
 * inserts would otherwise each pay their own, one after another. A sharing write may also linger
 * (`lingerMs`): it then waits to ride along with the next sharing commit, and is committed on its
 * own only when none comes in time (one timer for all of them).
 */
import type { InStatement } from "@libsql/client";
import type { WriteBatch } from "./types.ts";

/** Most writes sharing one commit (bounds how long one commit takes). */
export const MAX_SHARED_WRITES = 64;

interface Job {
  build: () => Promise<WriteBatch<unknown>> | WriteBatch<unknown>;
  share: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Built {
  job: Job;
  batch: WriteBatch<unknown>;
  /** What `afterWrite` threw, if it did. */
  writeError?: unknown;
}

/**
 * Applies statements atomically (one transaction). `written` may be called once they are committed
 * and visible to reads, before the promise resolves (with a sync still to come).
 */
export type Commit = (statements: InStatement[], written: () => void) => Promise<void>;

/** See the module doc. */
export class WriteQueue {
  #commit: Commit;
  #jobs: Job[] = [];
  #running = false;
  #lingering: Job[] = [];
  /**
   * One timer for the lingering writes. It is left armed (unref'd) when a commit takes them, and
   * used again for the next: a sequential `?wait=true` lingers a delivery outcome per request,
   * and clearing and setting a timer each time cost 15-23 µs on its path (Deno 2.9's timers are
   * Node's `Timeout`s); a ref and an unref cost under 1 µs.
   */
  #lingerTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer fires (Infinity: none armed). */
  #timerAt = Infinity;
  /** The earliest time a lingering write is due (Infinity: none lingers). */
  #lingerUntil = Infinity;
  #idle: PromiseWithResolvers<void> | null = null;

  constructor(commit: Commit) {
    this.#commit = commit;
  }

  /** Queues one write; resolves with its value once committed (see `Store.write`). */
  push<T>(
    build: () => Promise<WriteBatch<T>> | WriteBatch<T>,
    share: boolean,
    lingerMs = 0,
  ): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const job = { build, share, resolve: resolve as (v: unknown) => void, reject };
    if (share && lingerMs > 0) {
      this.#lingering.push(job);
      this.#armLinger(performance.now() + lingerMs);
    } else {
      this.#jobs.push(job);
      if (!this.#running) void this.#run();
    }
    return promise;
  }

  /** Commits the lingering writes now (at a stop, so nothing waits for its timer). */
  flushLingering(): void {
    this.#disarm();
    if (this.#lingering.length === 0) return;
    this.#jobs.push(...this.#lingering.splice(0));
    if (!this.#running) void this.#run();
  }

  /** Resolves once nothing is queued, lingering or committing. */
  idle(): Promise<void> {
    if (!this.#running && this.#jobs.length === 0 && this.#lingering.length === 0) {
      return Promise.resolve();
    }
    this.#idle ??= Promise.withResolvers<void>();
    return this.#idle.promise;
  }

  #disarm(): void {
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
    this.#timerAt = Infinity;
    this.#lingerUntil = Infinity;
  }

  /** The lingering writes were all taken by a commit: the timer stays, but holds nothing up. */
  #idleTimer(): void {
    this.#lingerUntil = Infinity;
    if (this.#lingerTimer !== null) Deno.unrefTimer(this.#lingerTimer);
  }

  #armLinger(until: number): void {
    if (until < this.#lingerUntil) this.#lingerUntil = until;
    if (this.#lingerTimer !== null && this.#timerAt <= this.#lingerUntil) {
      Deno.refTimer(this.#lingerTimer); // fires in time (maybe early: then it is armed again)
      return;
    }
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#timerAt = this.#lingerUntil;
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = null;
      this.#timerAt = Infinity;
      if (this.#lingering.length === 0) return;
      // Timers fire on whole milliseconds: within one of the due time is due.
      if (performance.now() + 1 >= this.#lingerUntil) this.flushLingering();
      else this.#armLinger(this.#lingerUntil);
    }, Math.max(0, this.#lingerUntil - performance.now()));
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#jobs.length > 0) {
        let n = 1;
        if (this.#jobs[0]!.share) {
          while (n < this.#jobs.length && n < MAX_SHARED_WRITES && this.#jobs[n]!.share) n++;
        }
        const group = this.#jobs.splice(0, n);
        // Lingering writes ride along with a sharing commit (they were asked for earlier).
        if (group[0]!.share && this.#lingering.length > 0) {
          group.unshift(...this.#lingering.splice(0, MAX_SHARED_WRITES));
          if (this.#lingering.length === 0) this.#idleTimer();
        }
        await this.#group(group);
      }
    } finally {
      // Cleared in the same turn as the last emptiness check, so a push() after it starts a run.
      this.#running = false;
      if (this.#lingering.length === 0) this.#idle?.resolve();
      if (this.#lingering.length === 0) this.#idle = null;
    }
  }

  /**
   * Builds each write (in order; a sharing builder may run before the writes ahead of it in its
   * group are committed, which is the promise `shareCommit` makes), commits them together, then
   * runs each `afterCommit` and answers (`afterWrite` runs as soon as the statements are
   * visible, which may be before their sync). Should the shared commit fail, each write is
   * committed on its own, so one bad write fails alone; unless the statements were committed and
   * only their sync failed (`committed` on the error): then every write fails, none is retried.
   */
  async #group(jobs: Job[]): Promise<void> {
    const built: Built[] = [];
    for (const job of jobs) {
      try {
        built.push({ job, batch: await job.build() });
      } catch (error) {
        job.reject(error);
      }
    }
    const statements = built.flatMap((b) => b.batch.statements);
    let wrote = false;
    const written = () => {
      if (wrote) return;
      wrote = true;
      for (const one of built) afterWrite(one);
    };
    try {
      if (statements.length > 0) await this.#commit(statements, written);
      written();
    } catch (error) {
      const committed = (error as { committed?: boolean })?.committed === true;
      if (built.length === 1 || committed) {
        for (const one of built) one.job.reject(error);
        return;
      }
      for (const one of built) await this.#alone(one);
      return;
    }
    for (const one of built) settle(one);
  }

  async #alone(one: Built): Promise<void> {
    try {
      if (one.batch.statements.length > 0) {
        await this.#commit(one.batch.statements, () => afterWrite(one));
      }
      afterWrite(one);
    } catch (error) {
      return one.job.reject(error);
    }
    settle(one);
  }
}

/** Runs a batch's `afterWrite` once (its failure is the write's, reported at `settle`). */
function afterWrite(one: Built): void {
  const hook = one.batch.afterWrite;
  if (!hook) return;
  one.batch.afterWrite = undefined;
  try {
    hook();
  } catch (error) {
    one.writeError = error;
  }
}

function settle({ job, batch, writeError }: Built): void {
  try {
    if (writeError !== undefined) throw writeError;
    batch.afterCommit?.();
    job.resolve(batch.value);
  } catch (error) {
    job.reject(error);
  }
}
