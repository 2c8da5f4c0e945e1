/** How lines and stats look in the terminal. */
import type { Stats } from "./analytics.ts";
import type { LogHit } from "./search.ts";

/** One line: time, level, source, message, then status and path when the line has them. */
export function formatHit(h: LogHit): string {
  const level = (h.level ?? "-").toUpperCase().padEnd(5);
  const extra = [
    h.status !== null ? `status=${h.status}` : "",
    h.path !== null && !h.msg.includes(h.path) ? `path=${h.path}` : "",
  ].filter(Boolean).join(" ");
  const msg = h.msg.replace(/[\r\n]+/g, " ");
  return `${h.time} ${level} ${h.source}  ${msg}${extra ? `  [${extra}]` : ""}\n`;
}

function counts(o: Record<string, number>): string {
  const parts = Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  return parts.join(", ") || "none";
}

/** The stats report. */
export function formatStats(s: Stats): string {
  let out = `lines ${s.total} from ${s.since} to ${s.until}\n`;
  out += `levels: ${counts(s.levels)}\nstatus: ${counts(s.status)}\n`;
  out += "per minute (total, errors):\n";
  for (const m of s.minutes.slice(-15)) {
    const errors = (m.levels.error ?? 0) + (m.levels.fatal ?? 0);
    out += `  ${m.minute.slice(11, 16)}  ${String(m.total).padStart(7)}  ${
      String(errors).padStart(6)
    }\n`;
  }
  out += "top paths:\n";
  for (const p of s.top_paths) out += `  ${String(p.count).padStart(7)}  ${p.path}\n`;
  out += "top errors:\n";
  for (const e of s.top_errors) out += `  ${String(e.count).padStart(7)}  ${e.msg}\n`;
  return out;
}
