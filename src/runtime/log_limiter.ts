/** Per-plugin log rate limit and line truncation. */

/** Options of {@linkcode LogLimiter}. */
export interface LogLimiterOptions {
  /** Lines allowed per second. @default 200 */
  linesPerSecond?: number;
  /** Longest message kept, in characters; longer ones are cut and marked. @default 8192 */
  maxLineChars?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * A token bucket refilled continuously at `linesPerSecond` with a burst of one second's worth.
 * `admit()` says whether a line may pass; refused lines are counted in `dropped`.
 */
export class LogLimiter {
  #rate: number;
  #max: number;
  #now: () => number;
  #tokens: number;
  #last: number;
  #dropped = 0;

  constructor(options: LogLimiterOptions = {}) {
    const { linesPerSecond = 200, maxLineChars = 8192, now = Date.now } = options;
    if (!(linesPerSecond > 0)) throw new RangeError("linesPerSecond must be > 0");
    if (!(maxLineChars > 16)) throw new RangeError("maxLineChars must be > 16");
    this.#rate = linesPerSecond;
    this.#max = maxLineChars;
    this.#now = now;
    this.#tokens = linesPerSecond;
    this.#last = now();
  }

  /** Lines refused so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Take one token; false (and counted as dropped) when the budget is spent. */
  admit(): boolean {
    const t = this.#now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((t - this.#last) / 1000) * this.#rate);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#dropped++;
    return false;
  }

  /** Cut `msg` to the configured length, marking the cut. */
  truncate(msg: string): string {
    if (msg.length <= this.#max) return msg;
    return `${msg.slice(0, this.#max)}… [truncated ${msg.length - this.#max} chars]`;
  }
}
