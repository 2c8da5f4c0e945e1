/**
 * Analytics over stored lines: counts per minute by level and status class (from the counts
 * kept at ingestion), top paths and top error messages, and the anomaly rule: errors in the last
 * minute above `factor` times the trailing hour's errors per minute.
 */
import type { PluginDatabase } from "@plugd/sdk";
import type { LogHubConfig } from "./types.ts";

const MINUTE = 60_000;
/** Top lists look at the newest lines of the window, at most this many. */
export const TOP_SCAN = 100_000;

/** Counts of one minute. */
export interface MinuteCounts {
  minute: string;
  total: number;
  levels: Record<string, number>;
  status: Record<string, number>;
}

/** What `GET /stats` and `plugd log-hub stats` show. */
export interface Stats {
  since: string;
  until: string;
  total: number;
  levels: Record<string, number>;
  status: Record<string, number>;
  minutes: MinuteCounts[];
  top_paths: { path: string; count: number }[];
  top_errors: { msg: string; count: number }[];
}

/** Stats of the lines whose time is in [since, until). */
export async function stats(db: PluginDatabase, since: number, until: number): Promise<Stats> {
  const { rows } = await db.execute<
    { minute: number; level: string; status_class: string; n: number }
  >(
    `SELECT minute, level, status_class, n FROM minute_counts
      WHERE minute >= ? AND minute < ? ORDER BY minute`,
    [Math.floor(since / MINUTE), Math.ceil(until / MINUTE)],
  );
  const byMinute = new Map<number, MinuteCounts>();
  const levels: Record<string, number> = {};
  const status: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    const m = Number(r.minute);
    let c = byMinute.get(m);
    if (!c) {
      c = { minute: new Date(m * MINUTE).toISOString(), total: 0, levels: {}, status: {} };
      byMinute.set(m, c);
    }
    const n = Number(r.n);
    c.total += n;
    total += n;
    c.levels[r.level] = (c.levels[r.level] ?? 0) + n;
    levels[r.level] = (levels[r.level] ?? 0) + n;
    if (r.status_class !== "-") {
      c.status[r.status_class] = (c.status[r.status_class] ?? 0) + n;
      status[r.status_class] = (status[r.status_class] ?? 0) + n;
    }
  }
  const window = `SELECT path, level, msg FROM logs WHERE ts >= ? AND ts < ?
    ORDER BY ts DESC LIMIT ${TOP_SCAN}`;
  const paths = await db.execute<{ path: string; count: number }>(
    `SELECT path, count(*) AS count FROM (${window}) WHERE path IS NOT NULL
      GROUP BY path ORDER BY count DESC, path LIMIT 10`,
    [since, until],
  );
  const errors = await db.execute<{ msg: string; count: number }>(
    `SELECT substr(msg, 1, 200) AS msg, count(*) AS count FROM (${window})
      WHERE level IN ('error', 'fatal') GROUP BY 1 ORDER BY count DESC, 1 LIMIT 10`,
    [since, until],
  );
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    total,
    levels,
    status,
    minutes: [...byMinute.values()],
    top_paths: paths.rows.map((r) => ({ path: r.path, count: Number(r.count) })),
    top_errors: errors.rows.map((r) => ({ msg: r.msg, count: Number(r.count) })),
  };
}

/** The anomaly rule's verdict. */
export interface AnomalyReport {
  at: string;
  /** Errors (and fatal) in the last minute. */
  errors: number;
  /** Lines in the last minute. */
  lines: number;
  /** Errors per minute over the trailing hour before that minute. */
  baseline_per_min: number;
  factor: number;
  /** Errors the last minute needed to count as an anomaly. */
  threshold: number;
  anomaly: boolean;
  /** Whether `logs.anomaly` was emitted (not during the cool-down after the previous one). */
  emitted: boolean;
  top_errors: { msg: string; count: number }[];
}

/** Checks the anomaly rule at `now`; emits `logs.anomaly` through `emit` when it fires. */
export async function checkAnomaly(
  db: PluginDatabase,
  cfg: LogHubConfig["anomaly"],
  now: number,
  emit: (data: AnomalyReport) => Promise<unknown>,
): Promise<AnomalyReport> {
  const recent = await db.execute<{ errors: number; lines: number }>(
    `SELECT count(*) AS lines, coalesce(sum(level IN ('error', 'fatal')), 0) AS errors
       FROM logs WHERE ts > ? AND ts <= ?`,
    [now - MINUTE, now],
  );
  const endMinute = Math.floor((now - MINUTE) / MINUTE);
  const base = await db.execute<{ errors: number }>(
    `SELECT coalesce(sum(n), 0) AS errors FROM minute_counts
      WHERE minute >= ? AND minute < ? AND level IN ('error', 'fatal')`,
    [endMinute - 60, endMinute],
  );
  const errors = Number(recent.rows[0]?.errors ?? 0);
  const baseline = Number(base.rows[0]?.errors ?? 0) / 60;
  const threshold = Math.max(cfg.min_errors, Math.floor(cfg.factor * baseline) + 1);
  const anomaly = cfg.enabled && errors >= threshold;
  const top = anomaly
    ? await db.execute<{ msg: string; count: number }>(
      `SELECT substr(msg, 1, 200) AS msg, count(*) AS count FROM logs
        WHERE ts > ? AND ts <= ? AND level IN ('error', 'fatal')
        GROUP BY 1 ORDER BY count DESC LIMIT 5`,
      [now - MINUTE, now],
    )
    : { rows: [] };
  const report: AnomalyReport = {
    at: new Date(now).toISOString(),
    errors,
    lines: Number(recent.rows[0]?.lines ?? 0),
    baseline_per_min: Math.round(baseline * 100) / 100,
    factor: cfg.factor,
    threshold,
    anomaly,
    emitted: false,
    top_errors: top.rows.map((r) => ({ msg: r.msg, count: Number(r.count) })),
  };
  if (!anomaly) return report;
  const last = await db.execute<{ value: number }>(
    "SELECT value FROM cursors WHERE name = 'anomaly_at'",
  );
  const lastAt = Number(last.rows[0]?.value ?? 0);
  if (now - lastAt < cfg.cooldown_min * MINUTE) return report;
  await db.execute(
    "INSERT INTO cursors (name, value) VALUES ('anomaly_at', ?) " +
      "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    [now],
  );
  report.emitted = true;
  await emit(report);
  return report;
}
