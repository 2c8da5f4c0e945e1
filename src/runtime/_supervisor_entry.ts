/** The supervisor's record of one registered plugin (private to the supervisor). */
import type { HealthWatch } from "./health_watch.ts";
import type { PluginProcess } from "./plugin_process.ts";
import type { PluginSpec, PluginStats } from "./supervisor_types.ts";
import type { RuntimeState } from "./types.ts";

/** One registered plugin: its spec, runtime state, process, timers and counters. */
export interface Entry {
  spec: PluginSpec;
  state: RuntimeState;
  reason?: string;
  proc?: PluginProcess;
  /** Whether the running process has a cgroup cpu quota (else the CPU budget applies). */
  cpuQuota?: boolean;
  starting?: Promise<PluginProcess>;
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
