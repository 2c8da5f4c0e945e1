/**
 * System addons on `/metrics`: operations by outcome and duration, each addon's status and
 * health, and the numbers its `addon_metrics` printed (`plugd_addon_metric{plugin,name}`).
 */
import { metrics } from "../metrics/mod.ts";
import { ADDON_HEALTHS, ADDON_STATUSES } from "../manifest/mod.ts";
import type { AddonState, ExecutionRecord } from "./types.ts";

const calls = metrics.counter(
  "plugd_addon_executions_total",
  "System addon contract calls by operation, kind (operation|check) and outcome",
);
const duration = metrics.histogram(
  "plugd_addon_execution_duration_seconds",
  "Duration of system addon contract calls",
  { buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900] },
);
const status = metrics.gauge("plugd_addon_status", "1 for the system addon's current status");
const health = metrics.gauge("plugd_addon_health", "1 for the system addon's current health");
const reported = metrics.gauge(
  "plugd_addon_metric",
  "Numbers a system addon's addon_metrics printed, by name",
);

/** Counts one finished call. */
export function recordCall(r: ExecutionRecord): void {
  calls.inc({ plugin: r.plugin, operation: r.name, kind: r.kind, status: r.status });
  if (r.duration_ms !== null) {
    duration.observe({ plugin: r.plugin, operation: r.name }, r.duration_ms / 1000);
  }
}

/** Sets the status and health gauges of one addon. */
export function recordState(s: AddonState): void {
  for (const v of ADDON_STATUSES) status.set({ plugin: s.pluginId, status: v }, +(s.status === v));
  for (const v of ADDON_HEALTHS) health.set({ plugin: s.pluginId, health: v }, +(s.health === v));
}

/** Drops an addon's gauges (removed). */
export function forgetAddon(pluginId: string, names: string[] = []): void {
  for (const v of ADDON_STATUSES) status.remove({ plugin: pluginId, status: v });
  for (const v of ADDON_HEALTHS) health.remove({ plugin: pluginId, health: v });
  for (const name of names) reported.remove({ plugin: pluginId, name });
}

/**
 * Publishes the numbers of an `addon_metrics` answer: a flat JSON object (nested objects are
 * joined with `_`); names become `[a-z0-9_]`, values that are not finite numbers are skipped.
 * Returns the names published.
 */
export function recordReported(pluginId: string, result: unknown, previous: string[]): string[] {
  const values = new Map<string, number>();
  const walk = (v: unknown, prefix: string, depth: number) => {
    if (typeof v === "number" && Number.isFinite(v)) values.set(prefix, v);
    else if (typeof v === "boolean") values.set(prefix, v ? 1 : 0);
    else if (typeof v === "object" && v !== null && !Array.isArray(v) && depth < 4) {
      for (const [k, x] of Object.entries(v)) {
        const name = k.toLowerCase().replace(/[^a-z0-9_]/g, "_");
        walk(x, prefix ? `${prefix}_${name}` : name, depth + 1);
      }
    }
  };
  walk(result, "", 0);
  const names = [...values.keys()].filter(Boolean).slice(0, 200);
  for (const old of previous) {
    if (!names.includes(old)) reported.remove({ plugin: pluginId, name: old });
  }
  for (const name of names) reported.set({ plugin: pluginId, name }, values.get(name)!);
  return names;
}
