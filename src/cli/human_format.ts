/** Small formatters for human output: local times, sizes, durations, log fields. */
import { printable } from "./terminal_text.ts";

/**
 * A time as local ISO 8601 with the offset, to the second: `2026-11-30T12:41:38+01:00`.
 * Accepts epoch milliseconds or an ISO string; `-` for nothing.
 *
 * @example
 * ```ts
 * localTime(Date.UTC(2026, 10, 30, 11, 41, 38)); // "2026-11-30T12:41:38+01:00" in CET
 * ```
 */
export function localTime(when: number | string | null | undefined): string {
  if (when === null || when === undefined || when === "") return "-";
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0
    ? "Z"
    : `${offset > 0 ? "+" : "-"}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`;
}

/** `36917248` → `35.2 MiB`. */
export function byteSize(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `163000` → `2m 43s`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [
    Math.floor(s / 60) % 60,
    "m",
  ], [s % 60, "s"]] as const;
  const shown = parts.filter(([v]) => v > 0).slice(0, 2).map(([v, u]) => `${v}${u}`);
  return shown.length ? shown.join(" ") : `${ms} ms`;
}

/** Structured log fields as `key=value` pairs (logfmt); values quoted when they need it. */
export function logFields(fields: Record<string, unknown> | undefined, raw = false): string {
  if (!fields) return "";
  return Object.entries(fields).map(([key, value]) => {
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
    const quoted = /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
    return raw ? `${key}=${quoted}` : `${printable(key)}=${printable(quoted)}`;
  }).join(" ");
}
