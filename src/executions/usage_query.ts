/** `GET /v1/plugins/{id}/usage`: rollup rows overlaid with what is not written yet. */
import type { Store } from "../store/mod.ts";
import type { SeriesPoint } from "./plugin_series.ts";
import { decode, type Histogram, merge, quantile } from "./latency_histogram.ts";
import {
  type HandlerDelta,
  type Rollup,
  type Step,
  STEP_MS,
  type UsageRollups,
} from "./usage_rollups.ts";

/** Most points one answer holds (a week of minutes is too many: ask for hours). */
export const MAX_POINTS = 2880;

/** One point of a usage series. */
export interface UsagePoint {
  t: string;
  calls: number;
  errors: number;
  timeouts: number;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** One handler's totals and last call. */
export interface HandlerUsage {
  kind: string;
  name: string;
  last_at: string;
  last_status: string;
  last_duration_ms: number;
  calls: number;
  errors: number;
}

/** The answer of `GET /v1/plugins/{id}/usage`. */
export interface Usage {
  plugin: string;
  step: Step;
  since: string;
  until: string;
  last_used_at: string | null;
  totals: Omit<UsagePoint, "t">;
  points: UsagePoint[];
  handlers: HandlerUsage[];
  /** The plugin's own series (`ctx.metrics`), per step. */
  metrics?: { name: string; type: string; points: SeriesPoint[] }[];
}

function point(t: number, r: Omit<Rollup, "plugin" | "step" | "t"> | undefined): UsagePoint {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const calls = r?.calls ?? 0;
  return {
    t: new Date(t).toISOString(),
    calls,
    errors: r?.errors ?? 0,
    timeouts: r?.timeouts ?? 0,
    avg_ms: r && calls > 0 ? round(r.totalMs / calls) : null,
    p50_ms: r ? quantile(r.hist, 0.5, r.maxMs) : null,
    p95_ms: r ? quantile(r.hist, 0.95, r.maxMs) : null,
    p99_ms: r ? quantile(r.hist, 0.99, r.maxMs) : null,
    max_ms: r && calls > 0 ? round(r.maxMs) : null,
  };
}

function add(
  into: Omit<Rollup, "plugin" | "step" | "t">,
  r: Omit<Rollup, "plugin" | "step" | "t">,
) {
  into.calls += r.calls;
  into.errors += r.errors;
  into.timeouts += r.timeouts;
  into.totalMs += r.totalMs;
  into.maxMs = Math.max(into.maxMs, r.maxMs);
  merge(into.hist, r.hist);
}

const empty = () => ({
  calls: 0,
  errors: 0,
  timeouts: 0,
  totalMs: 0,
  maxMs: 0,
  hist: new Map() as Histogram,
});

/**
 * The usage of `plugin` from `since` to `until` (ms) by `step`: one point per step (empty steps
 * included), totals, handlers and the last call. Throws `RangeError` for more than
 * {@linkcode MAX_POINTS} points.
 */
export async function queryUsage(
  store: Store,
  rollups: UsageRollups,
  plugin: string,
  options: { since: number; until: number; step: Step },
): Promise<Usage> {
  const { step } = options;
  const width = STEP_MS[step];
  const since = options.since - (options.since % width);
  const until = options.until;
  const count = Math.ceil((until - since) / width);
  if (count > MAX_POINTS) {
    throw new RangeError(
      `${count} points of a ${step} are too many (at most ${MAX_POINTS}); ` +
        `use step=hour or a later since`,
    );
  }
  const byT = new Map<number, ReturnType<typeof empty>>();
  const rs = await store.execute({
    sql: `SELECT t, calls, errors, timeouts, total_ms, max_ms, hist FROM usage_rollups
      WHERE plugin_id = ? AND step = ? AND t >= ? AND t < ? ORDER BY t`,
    args: [plugin, step, since, until],
  });
  for (const row of rs.rows) {
    byT.set(Number(row.t), {
      calls: Number(row.calls),
      errors: Number(row.errors),
      timeouts: Number(row.timeouts),
      totalMs: Number(row.total_ms),
      maxMs: Number(row.max_ms),
      hist: decode(String(row.hist)),
    });
  }
  const pending = rollups.pending(plugin);
  for (const r of pending.rollups) {
    if (r.step !== step || r.t < since || r.t >= until) continue;
    const at = byT.get(r.t) ?? empty();
    add(at, r);
    byT.set(r.t, at);
  }
  const totals = empty();
  const points: UsagePoint[] = [];
  for (let t = since; t < until; t += width) {
    const r = byT.get(t);
    if (r) add(totals, r);
    points.push(point(t, r));
  }
  const handlers = await handlerUsage(store, plugin, pending.handlers);
  const last = handlers.reduce<string | null>(
    (m, h) => (m === null || h.last_at > m ? h.last_at : m),
    null,
  );
  const { t: _t, ...total } = point(since, totals);
  return {
    plugin,
    step,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    last_used_at: last,
    totals: total,
    points,
    handlers,
  };
}

async function handlerUsage(
  store: Store,
  plugin: string,
  deltas: HandlerDelta[],
): Promise<HandlerUsage[]> {
  const rs = await store.execute({
    sql: `SELECT kind, name, last_at, last_status, last_duration_ms, calls, errors
      FROM handler_usage WHERE plugin_id = ? ORDER BY kind, name`,
    args: [plugin],
  });
  const out = new Map<string, HandlerDelta>();
  for (const r of rs.rows) {
    const h: HandlerDelta = {
      plugin,
      kind: String(r.kind),
      name: String(r.name),
      lastAt: Number(r.last_at),
      lastStatus: String(r.last_status),
      lastMs: Number(r.last_duration_ms),
      calls: Number(r.calls),
      errors: Number(r.errors),
    };
    out.set(`${h.kind} ${h.name}`, h);
  }
  for (const d of deltas) {
    const k = `${d.kind} ${d.name}`;
    const h = out.get(k);
    if (!h) {
      out.set(k, { ...d });
      continue;
    }
    h.calls += d.calls;
    h.errors += d.errors;
    if (d.lastAt >= h.lastAt) {
      Object.assign(h, { lastAt: d.lastAt, lastStatus: d.lastStatus, lastMs: d.lastMs });
    }
  }
  return [...out.values()].map((h) => ({
    kind: h.kind,
    name: h.name,
    last_at: new Date(h.lastAt).toISOString(),
    last_status: h.lastStatus,
    last_duration_ms: h.lastMs,
    calls: h.calls,
    errors: h.errors,
  }));
}
