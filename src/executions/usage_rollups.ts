/**
 * Usage rollups: per plugin, per minute and per hour, calls, errors, timeouts, total and slowest
 * duration and a latency histogram; per handler, its last call and totals. Calls add to deltas in
 * memory, written every `flushMs` (counts added in SQL, histograms merged under the write lock),
 * so a busy plugin costs two rows a minute, not one per call. Rows older than the retention go.
 */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import { decode, encode, type Histogram, merge, observe } from "./latency_histogram.ts";

/** The two rollup steps. */
export type Step = "minute" | "hour";

/** Length of each step in ms. */
export const STEP_MS: Record<Step, number> = { minute: 60_000, hour: 3_600_000 };

/** One rollup (a delta in memory, or a row). */
export interface Rollup {
  plugin: string;
  step: Step;
  /** Start of the minute or hour, ms since the epoch. */
  t: number;
  calls: number;
  errors: number;
  timeouts: number;
  totalMs: number;
  maxMs: number;
  hist: Histogram;
}

/** One handler's last call and the calls since the last write. */
export interface HandlerDelta {
  plugin: string;
  kind: string;
  name: string;
  lastAt: number;
  lastStatus: string;
  lastMs: number;
  calls: number;
  errors: number;
}

function key(...parts: (string | number)[]): string {
  return parts.join("\u0000");
}

/** Most rows selected per statement when merging histograms. */
const CHUNK = 100;

/** See the module doc. */
export class UsageRollups {
  #store: Store;
  #log: (message: string) => void;
  #pending = new Map<string, Rollup>();
  #handlers = new Map<string, HandlerDelta>();
  #flushing: Promise<void> | null = null;
  /** Deltas being written now: still overlaid by queries until the commit. */
  #writing: { rollups: Rollup[]; handlers: HandlerDelta[] } = { rollups: [], handlers: [] };

  constructor(store: Store, log: (message: string) => void) {
    this.#store = store;
    this.#log = log;
  }

  /** Adds one finished call at `at` (ms) taking `ms`. */
  record(
    call: { plugin: string; kind: string; name: string },
    at: number,
    ms: number,
    status: string,
  ): void {
    for (const step of ["minute", "hour"] as const) {
      const t = at - (at % STEP_MS[step]);
      const k = key(call.plugin, step, t);
      let r = this.#pending.get(k);
      if (!r) {
        r = {
          plugin: call.plugin,
          step,
          t,
          calls: 0,
          errors: 0,
          timeouts: 0,
          totalMs: 0,
          maxMs: 0,
          hist: new Map(),
        };
        this.#pending.set(k, r);
      }
      r.calls++;
      if (status === "timeout") r.timeouts++;
      else if (status !== "ok") r.errors++;
      r.totalMs += ms;
      r.maxMs = Math.max(r.maxMs, ms);
      observe(r.hist, ms);
    }
    const hk = key(call.plugin, call.kind, call.name);
    const h = this.#handlers.get(hk) ?? { ...call, calls: 0, errors: 0 } as HandlerDelta;
    h.lastAt = at;
    h.lastStatus = status;
    h.lastMs = Math.round(ms * 1000) / 1000;
    h.calls++;
    if (status !== "ok") h.errors++;
    this.#handlers.set(hk, h);
  }

  /** Deltas of `plugin` not yet written (the query overlays them). */
  pending(plugin: string): { rollups: Rollup[]; handlers: HandlerDelta[] } {
    const mine = <T extends { plugin: string }>(list: Iterable<T>) =>
      [...list].filter((x) => x.plugin === plugin);
    return {
      rollups: [...mine(this.#writing.rollups), ...mine(this.#pending.values())],
      handlers: [...mine(this.#writing.handlers), ...mine(this.#handlers.values())],
    };
  }

  /** Writes every delta. */
  flush(): Promise<void> {
    return this.#flushing ??= this.#write().finally(() => this.#flushing = null);
  }

  /** Forgets deltas of a plugin and, with `purge`, its rows. */
  async forget(plugin: string, purge: boolean): Promise<void> {
    for (const [k, r] of this.#pending) if (r.plugin === plugin) this.#pending.delete(k);
    for (const [k, h] of this.#handlers) if (h.plugin === plugin) this.#handlers.delete(k);
    if (!purge) return;
    await this.#store.write(() => ({
      statements: ["usage_rollups", "handler_usage", "metric_rollups"].map((table) => ({
        sql: `DELETE FROM ${table} WHERE plugin_id = ?`,
        args: [plugin],
      })),
    }));
  }

  /** Deletes rollups that started before `before` (ms). */
  async prune(before: number): Promise<void> {
    // Nothing to delete, no commit: an idle daemon would otherwise commit once a minute, and each
    // commit leads to a checkpoint, for which the store starts its writer thread.
    const old = await this.#store.execute({
      sql: "SELECT " + ["usage_rollups", "metric_rollups"].map((table) =>
        `EXISTS (SELECT 1 FROM ${table} WHERE step IN ('minute', 'hour') AND t < ?)`
      ).join(" OR ") + " AS found",
      args: [before, before],
    });
    if (!Number(old.rows[0]?.found)) return;
    await this.#store.write(() => ({
      statements: ["usage_rollups", "metric_rollups"].map((table) => ({
        sql: `DELETE FROM ${table} WHERE step IN ('minute', 'hour') AND t < ?`,
        args: [before],
      })),
    }));
  }

  async #write(): Promise<void> {
    const rollups = [...this.#pending.values()];
    const handlers = [...this.#handlers.values()];
    if (rollups.length === 0 && handlers.length === 0) return;
    this.#pending = new Map();
    this.#handlers = new Map();
    this.#writing = { rollups, handlers };
    try {
      await this.#store.write(async () => ({
        statements: [...await this.#rollupStatements(rollups), ...handlerStatements(handlers)],
      }));
    } catch (error) {
      this.#log(`could not write usage rollups: ${(error as Error).message}`);
      for (const r of rollups) this.#restore(r);
      for (const h of handlers) this.#restoreHandler(h);
    } finally {
      this.#writing = { rollups: [], handlers: [] };
    }
  }

  /** Upserts of `rollups`, their histograms merged with the stored ones (under the lock). */
  async #rollupStatements(rollups: Rollup[]): Promise<InStatement[]> {
    const stored = new Map<string, Histogram>();
    for (let i = 0; i < rollups.length; i += CHUNK) {
      const chunk = rollups.slice(i, i + CHUNK);
      const rs = await this.#store.execute({
        sql: `SELECT plugin_id, step, t, hist FROM usage_rollups WHERE (plugin_id, step, t) IN
          (VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")})`,
        args: chunk.flatMap((r) => [r.plugin, r.step, r.t]),
      });
      for (const row of rs.rows) {
        stored.set(
          key(String(row.plugin_id), String(row.step), Number(row.t)),
          decode(String(row.hist)),
        );
      }
    }
    return rollups.map((r) => {
      const hist = new Map(r.hist);
      const before = stored.get(key(r.plugin, r.step, r.t));
      if (before) merge(hist, before);
      return {
        sql: `INSERT INTO usage_rollups (plugin_id, step, t, calls, errors, timeouts, total_ms,
            max_ms, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (plugin_id, step, t) DO UPDATE SET calls = calls + excluded.calls,
            errors = errors + excluded.errors, timeouts = timeouts + excluded.timeouts,
            total_ms = total_ms + excluded.total_ms, max_ms = max(max_ms, excluded.max_ms),
            hist = excluded.hist`,
        args: [
          r.plugin,
          r.step,
          r.t,
          r.calls,
          r.errors,
          r.timeouts,
          r.totalMs,
          r.maxMs,
          encode(hist),
        ],
      };
    });
  }

  #restore(r: Rollup): void {
    const k = key(r.plugin, r.step, r.t);
    const now = this.#pending.get(k);
    if (!now) return void this.#pending.set(k, r);
    now.calls += r.calls;
    now.errors += r.errors;
    now.timeouts += r.timeouts;
    now.totalMs += r.totalMs;
    now.maxMs = Math.max(now.maxMs, r.maxMs);
    merge(now.hist, r.hist);
  }

  #restoreHandler(h: HandlerDelta): void {
    const k = key(h.plugin, h.kind, h.name);
    const now = this.#handlers.get(k);
    if (!now) return void this.#handlers.set(k, h);
    now.calls += h.calls;
    now.errors += h.errors;
  }
}

function handlerStatements(handlers: HandlerDelta[]): InStatement[] {
  return handlers.map((h) => ({
    sql: `INSERT INTO handler_usage (plugin_id, kind, name, last_at, last_status,
        last_duration_ms, calls, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (plugin_id, kind, name) DO UPDATE SET calls = calls + excluded.calls,
        errors = errors + excluded.errors,
        last_status = CASE WHEN excluded.last_at >= last_at THEN excluded.last_status
          ELSE last_status END,
        last_duration_ms = CASE WHEN excluded.last_at >= last_at THEN excluded.last_duration_ms
          ELSE last_duration_ms END,
        last_at = max(last_at, excluded.last_at)`,
    args: [h.plugin, h.kind, h.name, h.lastAt, h.lastStatus, h.lastMs, h.calls, h.errors],
  }));
}
