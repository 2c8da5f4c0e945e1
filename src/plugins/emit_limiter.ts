/** Per-plugin token buckets for `ctx.emit` (SPEC §8 style: a default and a ceiling). */
import type { EmitRate } from "../config/mod.ts";

/** Thrown to the plugin when it emits faster than its limit. */
export class EmitRateLimitedError extends Error {
  override name = "EmitRateLimitedError";
}

interface Bucket {
  rate: EmitRate;
  tokens: number;
  at: number;
}

/**
 * One token bucket per plugin: `rate.perSecond` refill, up to `rate.burst` emits at once. A
 * plugin's bucket is independent of every other, so one plugin's flood never costs a
 * neighbour its emits.
 */
export class EmitLimiter {
  #buckets = new Map<string, Bucket>();
  #now: () => number;

  /** @param now clock in ms, for tests. @default performance.now */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Sets (or resets) a plugin's rate; its bucket starts full. */
  configure(pluginId: string, rate: EmitRate): void {
    this.#buckets.set(pluginId, { rate, tokens: rate.burst, at: this.#now() });
  }

  /** The rate in force for a plugin, if configured. */
  rate(pluginId: string): EmitRate | undefined {
    return this.#buckets.get(pluginId)?.rate;
  }

  /** Forgets a plugin (uninstalled). */
  delete(pluginId: string): void {
    this.#buckets.delete(pluginId);
  }

  /** Takes one emit; false when the plugin is over its limit (a plugin never configured: true). */
  take(pluginId: string): boolean {
    const bucket = this.#buckets.get(pluginId);
    if (!bucket) return true;
    const t = this.#now();
    bucket.tokens = Math.min(
      bucket.rate.burst,
      bucket.tokens + ((t - bucket.at) / 1000) * bucket.rate.perSecond,
    );
    bucket.at = t;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
