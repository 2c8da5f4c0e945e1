/** The `rate:` of a public route: `<count>/<period>`, e.g. `60/min`. */

/** A parsed rate: `count` requests per `periodMs`. */
export interface RouteRate {
  count: number;
  periodMs: number;
}

const PERIODS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** Most requests a rate may allow per period. */
export const MAX_RATE_COUNT = 1_000_000;

/**
 * Parses `text`, or returns undefined when it is not a rate.
 *
 * @example
 * ```ts
 * parseRouteRate("60/min"); // { count: 60, periodMs: 60000 }
 * parseRouteRate("fast"); // undefined
 * ```
 */
export function parseRouteRate(text: unknown): RouteRate | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^(\d{1,7})\s*\/\s*([a-z]+)$/.exec(text.trim());
  const periodMs = PERIODS[match?.[2] ?? ""];
  const count = Number(match?.[1]);
  if (!match || periodMs === undefined || count < 1 || count > MAX_RATE_COUNT) return undefined;
  return { count, periodMs };
}
