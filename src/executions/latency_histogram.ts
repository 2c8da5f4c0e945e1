/**
 * Latency histograms that merge by adding: bucket `i` holds durations in
 * `[FLOOR·R^(i-1), FLOOR·R^i)` ms (bucket 0 everything below FLOOR), R = 1.25, so a percentile
 * read back is within 12 % of the truth from 10 µs to hours. Stored sparse, as `{index: count}`.
 */

const FLOOR_MS = 0.01;
const RATIO = 1.25;
const LOG_RATIO = Math.log(RATIO);
const LAST = 120; // 0.01 ms · 1.25^120 ≈ 4.4e9 ms: beyond any timeout

/** Counts by bucket index. */
export type Histogram = Map<number, number>;

/** The bucket of a duration in ms. */
export function bucketOf(ms: number): number {
  if (!(ms >= FLOOR_MS)) return 0;
  return Math.min(LAST, 1 + Math.floor(Math.log(ms / FLOOR_MS) / LOG_RATIO));
}

/** Adds one duration. */
export function observe(h: Histogram, ms: number): void {
  const b = bucketOf(ms);
  h.set(b, (h.get(b) ?? 0) + 1);
}

/** Adds `from` into `into`. */
export function merge(into: Histogram, from: Histogram): void {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
}

/** The stored form: `{"12": 3, ...}`. */
export function encode(h: Histogram): string {
  return JSON.stringify(Object.fromEntries(h));
}

/** Reads the stored form; anything unreadable counts as empty. */
export function decode(text: string): Histogram {
  const h: Histogram = new Map();
  try {
    for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, number>)) {
      const b = Number(k);
      if (Number.isInteger(b) && b >= 0 && b <= LAST && Number.isFinite(v) && v > 0) h.set(b, v);
    }
  } catch { /* empty */ }
  return h;
}

/**
 * The `q` quantile (0-1) in ms, interpolated inside its bucket, never above `maxMs` when given;
 * null when empty.
 *
 * @example
 * ```ts
 * const h: Histogram = new Map();
 * for (let i = 1; i <= 100; i++) observe(h, i);
 * quantile(h, 0.5); // ≈ 50
 * ```
 */
export function quantile(h: Histogram, q: number, maxMs?: number): number | null {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    const n = h.get(b)!;
    if (seen + n >= rank) {
      const lo = b === 0 ? 0 : FLOOR_MS * RATIO ** (b - 1);
      const hi = FLOOR_MS * RATIO ** b;
      const value = lo + (hi - lo) * Math.min(1, Math.max(0, (rank - seen) / n));
      const capped = maxMs === undefined ? value : Math.min(value, maxMs);
      return Math.round(capped * 1000) / 1000;
    }
    seen += n;
  }
  return maxMs ?? null;
}
