/**
 * One task type's lane in this daemon: its running attempts, whether its claim loop (the pump) is
 * running or asked to run again, its wake-up timer for retries that are due later, and whether a
 * queued task of the type may be waiting for such a later time at all.
 */

/** One running attempt, as the lane keeps it (to cancel it and to show its live progress). */
export interface RunningAttempt {
  abort: AbortController;
  cancelled: boolean;
  progress: { fraction: number; message: string | null } | null;
}

/** See the module doc. */
export class TaskLane {
  /** Running attempts by task id. */
  readonly running: Map<string, RunningAttempt> = new Map();
  /** The pump is claiming for this lane. */
  pumping = false;
  /** Something happened meanwhile (a submission, an attempt's end): claim again. */
  again = false;
  /** The last claim found no processor for the type: claim again when plugins change. */
  waiting = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  // Delayed queued tasks (a retry's backoff, a released claim) are counted by generation, each
  // once its delay is committed (then the lane is pumped): the lane starts not knowing (tasks from
  // before it existed), and a look that found none settles the generation it started in. A delay
  // committed after that look began (which it may not have seen) keeps the lane unsettled.
  #delays = 1;
  #settled = 0;

  /**
   * A queued task of this type was given a later due time (a retry or a released claim), and that
   * is committed.
   */
  delayed(): void {
    this.#delays++;
  }

  /**
   * The generation to pass to {@linkcode settle} when a queued task of this type may be due
   * later, or null when none can be (so nobody needs to look).
   */
  mayHaveDelayed(): number | null {
    return this.#delays === this.#settled ? null : this.#delays;
  }

  /** A look that started at `generation` found no delayed queued task. */
  settle(generation: number): void {
    this.#settled = generation;
  }

  /** Runs `pump` in `ms` (replacing a wake-up set before); the timer keeps no process alive. */
  wakeIn(ms: number, pump: () => void): void {
    this.stop();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      pump();
    }, Math.max(0, ms) + 5);
    Deno.unrefTimer(this.#timer);
  }

  /** Clears the wake-up timer. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
