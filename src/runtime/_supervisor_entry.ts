/** The supervisor's record of one registered plugin (private to the supervisor). */
import { PluginTimeoutError } from "./errors.ts";
import type { HealthWatch } from "./health_watch.ts";
import type { PluginProcess } from "./plugin_process.ts";
import { processTreeRss } from "./process_rss.ts";
import type { PluginCounters, PluginSpec, PluginStats } from "./supervisor_types.ts";
import type { DeniedAttempt, RuntimeState } from "./types.ts";

/** One registered plugin: its spec, runtime state, process, timers and counters. */
export interface Entry {
  spec: PluginSpec;
  state: RuntimeState;
  reason?: string;
  proc?: PluginProcess;
  /** Whether the running process has a cgroup cpu quota (else the CPU budget applies). */
  cpuQuota?: boolean;
  starting?: Promise<PluginProcess>;
  /** A graceful stop under way: a call waits for it, then starts a fresh process. */
  stopping?: Promise<void>;
  /** Unregistered (being replaced or removed): nothing may start it again. */
  gone?: boolean;
  crashes: number[];
  health: HealthWatch;
  timers: Map<string, ReturnType<typeof setTimeout>>;
  stats: Omit<PluginStats, "state" | "reason">;
}

/** A fresh entry: stopped, no crashes, counters at zero. */
export function newEntry(spec: PluginSpec, health: HealthWatch): Entry {
  return {
    spec,
    state: "stopped",
    crashes: [],
    health,
    timers: new Map(),
    stats: {
      invocations: 0,
      errors: 0,
      timeouts: 0,
      restarts: 0,
      denied: { count: 0, recent: [] },
      protocolViolations: 0,
      droppedLogs: 0,
    },
  };
}

/** Counters of an entry without reading /proc (cheap enough for lists). */
export function entryCounters(e: Entry): PluginCounters {
  const { invocations, errors, timeouts, restarts, denied } = e.stats;
  const [health, degraded] = [e.health.view?.last, e.health.degraded];
  return {
    state: e.state,
    invocations,
    errors,
    timeouts,
    restarts,
    denied: denied.count,
    health,
    degraded,
  };
}

/** Statistics of an entry, with RSS read from /proc now; `standby` is its standby process. */
export async function entryStats(
  e: Entry,
  standby: PluginStats["standby"],
  options: { diskMaxAgeMs?: number },
): Promise<PluginStats> {
  const p = e.proc;
  return {
    ...structuredClone(e.stats),
    ...e.health.stats(),
    state: e.state,
    reason: e.reason,
    protocolViolations: e.stats.protocolViolations + (p?.protocolViolations ?? 0),
    droppedLogs: e.stats.droppedLogs + (p?.droppedLogs ?? 0),
    pid: p?.pid,
    rssBytes: p ? await processTreeRss(p.pid) : undefined,
    disk: e.spec.disk
      ? {
        usedBytes: await e.spec.disk.usage(options.diskMaxAgeMs).catch(() => 0),
        limitBytes: e.spec.disk.limitBytes,
        enforcement: e.spec.disk.enforcement,
      }
      : undefined,
    uptimeMs: p ? Date.now() - p.startedAt : undefined,
    standby,
  };
}

/** Counts a failed call or start and keeps its message. */
export function recordError(e: Entry, err: unknown): void {
  e.stats.errors++;
  if (err instanceof PluginTimeoutError) e.stats.timeouts++;
  e.stats.lastError = { message: String((err as Error)?.message ?? err), at: Date.now() };
}

/** Counts a denied attempt and keeps the last `history` of them. */
export function recordDenied(e: Entry, a: DeniedAttempt, history: number): void {
  e.stats.denied.count++;
  e.stats.denied.recent.push(a);
  if (e.stats.denied.recent.length > history) e.stats.denied.recent.shift();
}
