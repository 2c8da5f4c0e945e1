/**
 * Requests per session: a token bucket like the API's per-token limit (`PLUGD_RATE_LIMIT`,
 * default 50/s with bursts of 100, `off` to disable), counted once per console request however
 * many API calls the page makes in-process. Over it: 429 with `Retry-After`.
 */
import type { MiddlewareHandler } from "hono";
import { parseRateLimit, type RateLimitOptions } from "../api/mod.ts";
import { ConsoleError } from "./session_middleware.ts";
import type { ConsoleEnv } from "./types.ts";

/** Sessions tracked at most; the fullest buckets are forgotten first. */
const MAX_BUCKETS = 10_000;

/** The limit from `PLUGD_RATE_LIMIT` (null when off). */
export function pageRateFromEnv(): RateLimitOptions | null {
  let text: string | undefined;
  try {
    text = Deno.env.get("PLUGD_RATE_LIMIT");
  } catch {
    text = undefined;
  }
  const parsed = parseRateLimit(text);
  return parsed === undefined ? {} : parsed;
}

/** Limits each session (after `requireSession`). */
export function pageRateLimit(options: RateLimitOptions | null): MiddlewareHandler<ConsoleEnv> {
  if (options === null) return async (_c, next) => await next();
  const { ratePerSecond = 50, burst = 100, now = Date.now } = options;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    const key = c.get("session").idHash;
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= MAX_BUCKETS) buckets.clear();
      buckets.set(key, b = { tokens: burst, at: t });
    }
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerSecond);
    b.at = t;
    if (b.tokens < 1) {
      const retry = Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond));
      c.header("retry-after", String(retry));
      throw new ConsoleError(429, `Too many requests from this session; wait ${retry} s`);
    }
    b.tokens -= 1;
    await next();
  };
}
