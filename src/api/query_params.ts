/** Query parameters shared by list routes: times (`since`, `until`), enums, page sizes. */
import { HttpError } from "./problem.ts";

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time in ms from a query parameter: an ISO 8601 date-time, milliseconds since the epoch, or a
 * span back from `now` such as `90s`, `15m`, `24h`, `7d`. Throws a 400 naming the parameter.
 *
 * @example
 * ```ts
 * parseTime("15m", "since", Date.parse("2026-01-01T00:15:00Z")); // Date.parse("2026-01-01T00:00:00Z")
 * ```
 */
export function parseTime(text: string, name: string, now = Date.now()): number {
  const span = /^(\d{1,9})([smhd])$/.exec(text);
  if (span) return now - Number(span[1]) * UNITS[span[2]!]!;
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(t)) return t;
  throw new HttpError(
    400,
    `${name}="${text}" is not a time; use an ISO 8601 time (2026-11-22T10:00:00Z), ` +
      `milliseconds since the epoch, or a span back from now such as 15m, 24h or 7d`,
  );
}

/** An optional time parameter. */
export function optionalTime(text: string | undefined, name: string): number | undefined {
  return text === undefined || text === "" ? undefined : parseTime(text, name);
}

/** An optional parameter that must be one of `allowed`. */
export function optionalEnum<T extends string>(
  text: string | undefined,
  name: string,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined || text === "") return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new HttpError(400, `${name}="${text}" is not one of: ${allowed.join(", ")}`);
  }
  return text as T;
}

/** `limit`: 1 to `max`, `fallback` when absent. */
export function pageLimit(text: string | undefined, fallback = 50, max = 500): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new HttpError(400, `limit="${text}" must be a whole number from 1 to ${max}`);
  }
  return n;
}

/**
 * Runs a list or window query and turns the area's refusal of an argument (a `RangeError`: a cursor
 * that is not one, a window of too many points) into a 400 with its message and `hint`; any other
 * error passes unchanged.
 *
 * @example
 * ```ts
 * await refusalsAs400(() => executions.list({ cursor: "x" })); // HttpError 400 "cursor ..."
 * ```
 */
export async function refusalsAs400<T>(query: () => Promise<T>, hint = ""): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof RangeError) throw new HttpError(400, `${error.message}${hint}`);
    throw error;
  }
}
