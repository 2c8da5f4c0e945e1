import { endSpan, startSpan } from "../tracing/mod.ts";
import { metrics } from "../metrics/mod.ts";
import type { CallKind, PluginStats, Supervisor } from "../runtime/mod.ts";

const invocations = metrics.counter(
  "plugd_plugin_invocations_total",
  "Calls into plugins by kind and outcome (ok, error, timeout)",
);
const duration = metrics.histogram(
  "plugd_plugin_invocation_duration_seconds",
  "Duration of calls into plugins, daemon side",
);
const state = metrics.gauge("plugd_plugin_state", "1 for the plugin's current runtime state");
const restarts = metrics.gauge("plugd_plugin_restarts_total", "Restarts of the plugin's process");
const rss = metrics.gauge("plugd_plugin_rss_bytes", "Resident memory of the plugin's sandbox");
const denied = metrics.gauge(
  "plugd_plugin_permission_denied_total",
  "Operations the sandbox refused the plugin",
);
const errors = metrics.gauge("plugd_plugin_errors_total", "Failed calls, timeouts included");
const dataUsed = metrics.gauge("plugd_plugin_data_bytes", "Bytes the plugin's $DATA holds");
const dataLimit = metrics.gauge(
  "plugd_plugin_data_limit_bytes",
  "The plugin's $DATA quota (enforcement: volume or watched)",
);
const degraded = metrics.gauge(
  "plugd_plugin_degraded",
  "1 while failed health checks in a row keep the plugin degraded",
);
const healthFailures = metrics.gauge(
  "plugd_plugin_health_failures",
  "Failed health checks in a row (unhealthy answers or none)",
);

const STATES = ["stopped", "starting", "running", "stopping", "backoff", "failed"] as const;

/** Records one call's outcome and duration (from `performance.now()` at `startedAt`). */
export function recordInvocation(
  call: { id: string; kind: CallKind },
  startedAt: number,
  error?: unknown,
): void {
  const status = error === undefined
    ? "ok"
    : (error as Error).name === "PluginTimeoutError"
    ? "timeout"
    : "error";
  const ms = performance.now() - startedAt;
  invocations.inc({ plugin: call.id, kind: call.kind, status });
  duration.observe({ plugin: call.id, kind: call.kind }, ms / 1000);
}

/**
 * Runs one call into a plugin (`run`) and records it: metrics and a trace span
 * `plugd.plugin.invoke`, a child of whatever span is active (an event's dispatch, a request).
 */
export async function measuredCall<T>(
  call: { id: string; kind: CallKind; name: string },
  run: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  const span = startSpan("plugd.plugin.invoke", {
    "plugd.plugin": call.id,
    "plugd.call.kind": call.kind,
    "plugd.call.name": call.name,
  });
  try {
    const value = await run();
    recordInvocation(call, startedAt);
    endSpan(span);
    return value;
  } catch (error) {
    recordInvocation(call, startedAt, error);
    endSpan(span, error);
    throw error;
  }
}

/** Refreshes the per-plugin gauges from the supervisor at each scrape. */
export function collectPluginMetrics(supervisor: Supervisor): void {
  metrics.onCollect(async () => {
    state.reset();
    degraded.reset();
    healthFailures.reset();
    for (const id of supervisor.ids()) {
      let s: PluginStats;
      try {
        // One df serves every plugin's volume in a scrape.
        s = await supervisor.stats(id, { diskMaxAgeMs: 2000 });
      } catch {
        continue; // unregistered meanwhile
      }
      for (const name of STATES) state.set({ plugin: id, state: name }, s.state === name ? 1 : 0);
      restarts.set({ plugin: id }, s.restarts);
      rss.set({ plugin: id }, s.rssBytes ?? 0);
      denied.set({ plugin: id }, s.denied.count);
      errors.set({ plugin: id }, s.errors);
      if (s.disk) {
        dataUsed.set({ plugin: id }, s.disk.usedBytes);
        dataLimit.set({ plugin: id, enforcement: s.disk.enforcement }, s.disk.limitBytes);
      }
      degraded.set({ plugin: id }, s.degradedSince ? 1 : 0);
      healthFailures.set({ plugin: id }, s.healthFailures ?? 0);
    }
  });
}
