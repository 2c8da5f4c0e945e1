/** Retry schedule, backoff with full jitter, and `Retry-After` parsing. */

/** Delays before retries 1..7 (Standard Webhooks' suggestion): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_SCHEDULE_MS: readonly number[] = [
  5_000,
  300_000,
  1_800_000,
  7_200_000,
  18_000_000,
  36_000_000,
  36_000_000,
];

/** Longest wait a `Retry-After` header can impose. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Parses a comma-separated list of delays in ms (`PLUGD_WEBHOOK_SCHEDULE_MS="50,100,200"`).
 *
 * @example
 * ```ts
 * parseSchedule("50,100,200"); // [50, 100, 200]
 * ```
 */
export function parseSchedule(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  const delays = parts.map(Number);
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(
      `Webhook schedule must be comma-separated non-negative integers (ms), e.g. "5000,300000"; got "${text}"`,
    );
  }
  return delays;
}

/**
 * The delay before retry number `retry` (1-based), or `null` when the schedule is exhausted.
 * Full jitter: uniformly random in [0, step], which spreads a burst of failures best;
 * `random` is injectable for tests.
 */
export function retryDelay(
  schedule: readonly number[],
  retry: number,
  random: () => number = Math.random,
): number | null {
  const step = schedule[retry - 1];
  if (step === undefined) return null;
  return Math.round(random() * step);
}

/**
 * Parses `Retry-After` (seconds or an HTTP date) into ms from `now`, capped at 24 h; `null`
 * when absent or invalid.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return null;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** How an attempt's outcome is treated. */
export type Verdict = "delivered" | "retry" | "fail" | "gone";

/** Classifies an HTTP status: 2xx ok; 408, 429, 5xx retry; 410 gone; others (3xx, 4xx) fail. */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  if (status === 410) return "gone";
  return "fail";
}
