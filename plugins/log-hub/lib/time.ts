/** Times in log lines and in queries: durations, RFC 3339, epoch numbers, access-log dates. */

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * A point in time from a query option: a duration back from `now` (`90s`, `15m`, `1h`, `7d`),
 * an RFC 3339 date, or epoch milliseconds. Throws a `RangeError` naming the accepted forms.
 *
 * @example
 * ```ts
 * sinceToMs("1h", 7_200_000); // 3_600_000
 * ```
 */
export function sinceToMs(text: string, now: number): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  if (/^\d{10,}$/.test(text.trim())) return Number(text);
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new RangeError(
      `"${text}" is not a time; use a duration like 30m, 1h or 7d, or a date like 2026-11-30T12:00:00Z`,
    );
  }
  return t;
}

/** `10/Oct/2000:13:55:36 -0700` (common log format) as epoch milliseconds, or null. */
export function parseClfDate(text: string): number | null {
  const m = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(
    text,
  );
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  const utc = Date.UTC(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  const offset = (+m[8]! * 60 + +m[9]!) * 60_000 * (m[7] === "-" ? -1 : 1);
  return utc - offset;
}

/**
 * A line's timestamp field as epoch milliseconds, or null: numbers (seconds below 1e11, else
 * milliseconds), numeric strings, RFC 3339 / ISO dates and access-log dates.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== "string" || value.length > 64) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return parseTimestamp(Number(value));
  const clf = parseClfDate(value);
  if (clf !== null) return clf;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
