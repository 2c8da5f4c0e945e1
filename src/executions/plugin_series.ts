/**
 * A plugin's own series (`ctx.metrics.count(name, n)`, `ctx.metrics.observe(name, v)`): names
 * scoped to the plugin and capped in number, rolled up per minute and per hour in
 * `metric_rollups` (count, sum, min, max) next to the usage rollups, and exported on `/metrics`.
 */
import type { InValue } from "@libsql/client";
import { metrics } from "../metrics/mod.ts";
import type { Store } from "../store/mod.ts";
import { type Step, STEP_MS } from "./usage_rollups.ts";

/** Most series names one plugin may use; more are dropped and counted. */
export const MAX_SERIES_PER_PLUGIN = 64;

/** What a name looks like: lowercase, digits, `_` and `.`, up to 64 characters. */
export const SERIES_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

/** One batch from a plugin's shim: sums of counts, and observations summed by name. */
export interface SeriesBatch {
  counts?: Record<string, number>;
  observations?: Record<string, { count: number; sum: number; min: number; max: number }>;
}

/** One point of a series as the usage API answers it. */
export interface SeriesPoint {
  t: string;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

interface Delta {
  plugin: string;
  name: string;
  type: "count" | "observe";
  step: Step;
  t: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

const countTotal = metrics.gauge(
  "plugd_plugin_custom_count",
  "Sum of a plugin's ctx.metrics.count() calls since the daemon started",
);
const observeCount = metrics.gauge(
  "plugd_plugin_custom_observations",
  "Number of a plugin's ctx.metrics.observe() values since the daemon started",
);
const observeSum = metrics.gauge(
  "plugd_plugin_custom_observed_sum",
  "Sum of a plugin's ctx.metrics.observe() values since the daemon started",
);
const refused = metrics.gauge(
  "plugd_plugin_custom_refused_total",
  "Values dropped: bad names or numbers, or over the per-plugin series cap",
);

/** See the module doc. */
export class PluginSeries {
  #store: Store;
  #names = new Map<string, Map<string, "count" | "observe">>();
  #totals = new Map<string, { type: "count" | "observe"; count: number; sum: number }>();
  #refused = new Map<string, number>();
  #pending = new Map<string, Delta>();

  constructor(store: Store) {
    this.#store = store;
    metrics.onCollect(() => {
      for (const [k, v] of this.#totals) {
        const [plugin, name] = k.split("\u0000") as [string, string];
        if (v.type === "count") countTotal.set({ plugin, name }, v.sum);
        else {
          observeCount.set({ plugin, name }, v.count);
          observeSum.set({ plugin, name }, v.sum);
        }
      }
      for (const [plugin, n] of this.#refused) refused.set({ plugin }, n);
    });
  }

  /** Adds a batch; answers how many values were refused (the shim logs them once). */
  record(plugin: string, batch: SeriesBatch, at = Date.now()): number {
    let dropped = 0;
    for (const [name, n] of Object.entries(batch.counts ?? {})) {
      if (!this.#accept(plugin, name, "count") || !Number.isFinite(n) || n < 0) dropped++;
      else this.#add(plugin, name, "count", at, { count: 1, sum: n, min: n, max: n });
    }
    for (const [name, o] of Object.entries(batch.observations ?? {})) {
      const ok = o && [o.count, o.sum, o.min, o.max].every(Number.isFinite) && o.count >= 1;
      if (!this.#accept(plugin, name, "observe") || !ok) dropped++;
      else this.#add(plugin, name, "observe", at, o);
    }
    if (dropped > 0) this.#refused.set(plugin, (this.#refused.get(plugin) ?? 0) + dropped);
    return dropped;
  }

  /** A name is accepted when it is well formed, of one type, and within the plugin's cap. */
  #accept(plugin: string, name: string, type: "count" | "observe"): boolean {
    if (!SERIES_NAME.test(name)) return false;
    let names = this.#names.get(plugin);
    if (!names) this.#names.set(plugin, names = new Map());
    const known = names.get(name);
    if (known) return known === type;
    if (names.size >= MAX_SERIES_PER_PLUGIN) return false;
    names.set(name, type);
    return true;
  }

  #add(
    plugin: string,
    name: string,
    type: "count" | "observe",
    at: number,
    o: { count: number; sum: number; min: number; max: number },
  ): void {
    const tk = `${plugin}\u0000${name}`;
    const total = this.#totals.get(tk) ?? { type, count: 0, sum: 0 };
    total.count += o.count;
    total.sum += o.sum;
    this.#totals.set(tk, total);
    for (const step of ["minute", "hour"] as const) {
      const t = at - (at % STEP_MS[step]);
      const k = `${tk}\u0000${step}\u0000${t}`;
      const d = this.#pending.get(k) ??
        { plugin, name, type, step, t, count: 0, sum: 0, min: null, max: null };
      d.count += o.count;
      d.sum += o.sum;
      d.min = d.min === null ? o.min : Math.min(d.min, o.min);
      d.max = d.max === null ? o.max : Math.max(d.max, o.max);
      this.#pending.set(k, d);
    }
  }

  /** Writes the deltas (added to stored rows). */
  async flush(): Promise<void> {
    const deltas = [...this.#pending.values()];
    if (deltas.length === 0) return;
    this.#pending = new Map();
    await this.#store.write(() => ({
      statements: deltas.map((d) => ({
        sql: `INSERT INTO metric_rollups (plugin_id, name, type, step, t, count, sum, min, max)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (plugin_id, name, step, t) DO UPDATE SET
          count = count + excluded.count, sum = sum + excluded.sum,
          min = min(coalesce(min, excluded.min), excluded.min),
          max = max(coalesce(max, excluded.max), excluded.max)`,
        args: [d.plugin, d.name, d.type, d.step, d.t, d.count, d.sum, d.min, d.max] as InValue[],
      })),
    }));
  }

  /** Forgets a plugin's names and totals (its rows go with the usage rollups). */
  forget(plugin: string): void {
    this.#names.delete(plugin);
    this.#refused.delete(plugin);
    for (const k of [...this.#totals.keys()]) {
      if (k.startsWith(`${plugin}\u0000`)) this.#totals.delete(k);
    }
    for (const [k, d] of this.#pending) if (d.plugin === plugin) this.#pending.delete(k);
  }

  /** A plugin's series between `since` and `until`, per `step` (stored rows only: flush first). */
  async query(
    plugin: string,
    o: { since: number; until: number; step: Step },
  ): Promise<{ name: string; type: string; points: SeriesPoint[] }[]> {
    const rs = await this.#store.execute({
      sql: `SELECT name, type, t, count, sum, min, max FROM metric_rollups
        WHERE plugin_id = ? AND step = ? AND t >= ? AND t < ? ORDER BY name, t`,
      args: [plugin, o.step, o.since - (o.since % STEP_MS[o.step]), o.until],
    });
    const out = new Map<string, { name: string; type: string; points: SeriesPoint[] }>();
    for (const r of rs.rows) {
      const name = String(r.name);
      let s = out.get(name);
      if (!s) out.set(name, s = { name, type: String(r.type), points: [] });
      s.points.push({
        t: new Date(Number(r.t)).toISOString(),
        count: Number(r.count),
        sum: Number(r.sum),
        min: r.min === null ? null : Number(r.min),
        max: r.max === null ? null : Number(r.max),
      });
    }
    return [...out.values()];
  }
}
