/**
 * The `rate:` of public routes: one token bucket per plugin route, holding `count` requests and
 * refilling `count` per period, so a route allows bursts up to its rate and that rate sustained.
 */
import type { RouteRate } from "../manifest/mod.ts";

/** Options of {@linkcode PublicRouteLimiter}. */
export interface PublicRouteLimiterOptions {
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number;
}

/** Buckets per route key; a key includes the rate, so a changed `rate:` starts a fresh bucket. */
export class PublicRouteLimiter {
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: PublicRouteLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes one request from the bucket of `key`. Returns 0 when allowed, else the whole seconds
   * until the next request would be (for `Retry-After`).
   */
  take(key: string, rate: RouteRate): number {
    const t = this.#now();
    const perMs = rate.count / rate.periodMs;
    const id = `${key} ${rate.count}/${rate.periodMs}`;
    let bucket = this.#buckets.get(id);
    if (!bucket) {
      if (this.#buckets.size >= 10_000) this.#buckets.clear(); // routes are few; never grows
      bucket = { tokens: rate.count, at: t };
      this.#buckets.set(id, bucket);
    }
    bucket.tokens = Math.min(rate.count, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    bucket.tokens -= 1;
    return 0;
  }
}
