import type { MiddlewareHandler } from "hono";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

/** Token-bucket settings: `ratePerSecond` refill, up to `burst` requests at once. */
export interface RateLimitOptions {
  /** Sustained requests per second per token. @default 50 */
  ratePerSecond?: number;
  /** Bucket size: requests allowed in a burst. @default 100 */
  burst?: number;
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number;
}

/** Buckets kept at most; idle full buckets are dropped first (tokens are few in practice). */
const MAX_BUCKETS = 10_000;

/**
 * Parses `PLUGD_RATE_LIMIT`: `RATE:BURST` (e.g. `50:100`, `0.5:5`), `RATE` alone (burst = 2×),
 * or `off`. Returns null for off, undefined when unset (use the defaults).
 */
export function parseRateLimit(text: string | undefined): RateLimitOptions | null | undefined {
  if (text === undefined || text === "") return undefined;
  if (text === "off" || text === "0") return null;
  const match = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(text.trim());
  const rate = Number(match?.[1]);
  const burst = match?.[2] === undefined ? Math.max(1, Math.ceil(rate * 2)) : Number(match[2]);
  if (!match || !(rate > 0) || !(burst >= 1)) {
    throw new RangeError(
      `PLUGD_RATE_LIMIT must be RATE:BURST such as 50:100 (requests/s and burst) or "off"; got "${text}"`,
    );
  }
  return { ratePerSecond: rate, burst };
}

/**
 * Limits each bearer token (the `actor` set by `authenticate`) to a token bucket; over the
 * limit answers 429 with `Retry-After` (whole seconds). The trusted Unix socket is not limited.
 */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler<ApiEnv> {
  const { ratePerSecond = 50, burst = 100, now = Date.now } = options;
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0; got ${ratePerSecond}`);
  if (!(burst >= 1)) throw new RangeError(`burst must be >= 1; got ${burst}`);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    const actor = c.get("actor");
    // The console's in-process calls are counted per page by the console (one page may make
    // several API calls); the socket is trusted.
    if (!actor || actor === "socket" || c.env?.transport === "console") return await next();
    let bucket = buckets.get(actor);
    if (!bucket) {
      const t = now();
      if (buckets.size >= MAX_BUCKETS) prune(buckets, t, ratePerSecond, burst);
      bucket = { tokens: burst, at: t };
      buckets.set(actor, bucket);
    }
    const b = bucket;
    const take = (n: number) => {
      const at = now();
      b.tokens = Math.min(burst, b.tokens + ((at - b.at) / 1000) * ratePerSecond);
      b.at = at;
      if (b.tokens < n) {
        const retryAfter = Math.max(1, Math.ceil((n - b.tokens) / ratePerSecond));
        throw new HttpError(
          429,
          `Rate limit of ${ratePerSecond} requests/s (burst ${burst}) per token exceeded; retry after ${retryAfter}s, or use the Unix socket for bulk work`,
          { headers: { "retry-after": String(retryAfter) } },
        );
      }
      b.tokens -= n;
    };
    take(1);
    c.set("rateCharge", (extra) => {
      if (1 + extra > burst) {
        throw new HttpError(
          429,
          `This request counts as ${1 + extra} requests (one per event of a batch), more than ` +
            `the rate limit's burst of ${burst} per token: send at most ${burst} events per ` +
            "batch, raise PLUGD_RATE_LIMIT, or use the Unix socket for bulk work",
        );
      }
      take(extra);
    });
    await next();
  };
}

function prune(
  buckets: Map<string, { tokens: number; at: number }>,
  t: number,
  rate: number,
  burst: number,
): void {
  for (const [key, b] of buckets) {
    if (b.tokens + ((t - b.at) / 1000) * rate >= burst) buckets.delete(key);
  }
  if (buckets.size >= MAX_BUCKETS) buckets.clear();
}
