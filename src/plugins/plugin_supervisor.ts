import {
  type DeniedAttempt,
  type HealthChange,
  type HealthPolicy,
  type OwnCall,
  type RuntimeState,
  Supervisor,
} from "../runtime/mod.ts";
import type { EmitPolicy } from "./emit_policy.ts";
import { createHostHandler, type PluginEventSink } from "./host_calls.ts";
import type { LogRings } from "./log_ring.ts";
import type { PluginStorage } from "./storage.ts";
import type { PluginDbAccess } from "./plugin_db_access.ts";
import type { SystemEventSink } from "./types.ts";
import type { SeriesBatch } from "../executions/mod.ts";

/** What the daemon's supervisor is wired to. */
export interface PluginSupervisorDeps {
  storage: PluginStorage;
  /** Plugin databases. */
  db?: PluginDbAccess;
  logs: LogRings;
  idleStopMs: number;
  /** The state dir's launch folder (0700): the seats' command files go there. */
  launchDir: string;
  /** Standby processes for on-demand plugins started often (off when absent). */
  standby?: { memoryMb: number; afterStarts: number; windowS: number };
  /** The event bus. */
  bus: PluginEventSink & SystemEventSink;
  /** The plugins' own series (`ctx.metrics`). */
  series?: { record(pluginId: string, batch: SeriesBatch): number };
  /** Health checks: every `intervalS`, and when failures in a row degrade and restart a plugin. */
  health?: { intervalS: number } & HealthPolicy;
  /** Each plugin's granted emit types, rate limit and refusal counts. */
  emit: EmitPolicy;
  onPermissionDenied: (pluginId: string, attempt: DeniedAttempt) => void;
  onStateChange: (pluginId: string, state: RuntimeState, reason?: string) => void;
  verifyIntegrity: (pluginId: string) => Promise<boolean>;
  /** A plugin tried to emit for a tenant other than its call's (audited by the service). */
  onTenantRefused?: (pluginId: string, type: string, claimed: string) => void;
  /** Calls the supervisor makes itself (onEnable), for execution records. */
  onOwnCall?: (pluginId: string, call: OwnCall) => void;
}

/**
 * The runtime supervisor as the daemon uses it: host calls served from plugin storage and the
 * bus, every log line and denial kept in the plugin's log ring.
 */
export function createPluginSupervisor(deps: PluginSupervisorDeps): Supervisor {
  const { logs } = deps;
  return new Supervisor({
    hostHandler: createHostHandler({
      storage: deps.storage,
      events: deps.bus,
      emitPatterns: (id) => deps.emit.patterns(id),
      emitLimiter: deps.emit.limiter,
      onEmitDenied: (id, type, reason, claimed) => {
        deps.emit.record(id, type, reason);
        if (reason === "tenant") deps.onTenantRefused?.(id, type, claimed ?? "");
      },
      db: deps.db,
      series: deps.series,
    }),
    onLog: (id, line) => logs.push(id, line),
    onStateChange: deps.onStateChange,
    onDenied: (id, attempt) => {
      logs.push(id, {
        ts: attempt.when,
        stream: "system",
        level: "warn",
        msg: `permission denied: ${attempt.what}`,
      });
      deps.onPermissionDenied(id, attempt);
    },
    verifyIntegrity: deps.verifyIntegrity,
    idleStopMs: deps.idleStopMs,
    standby: deps.standby && { ...deps.standby, windowMs: deps.standby.windowS * 1000 },
    onOwnCall: deps.onOwnCall,
    healthIntervalMs: deps.health ? deps.health.intervalS * 1000 : undefined,
    healthPolicy: deps.health,
    onHealth: (id, change) => healthAlert(deps, id, change),
    // Launchers waiting in fresh cgroups: no cgroup migration on a start's path (cgroup v1).
    seats: 2,
    seatDir: deps.launchDir,
  });
}

const HEALTH_EVENTS = { degraded: "plugin.degraded", recovered: "plugin.recovered" } as const;

/** A health change in the plugin's log and, when it degrades or recovers, as a system event. */
function healthAlert(deps: PluginSupervisorDeps, id: string, change: HealthChange): void {
  const msg = change.change === "degraded"
    ? `degraded: ${change.failures} failed health checks in a row; last ${change.reason}`
    : change.change === "restart"
    ? `restarting: ${change.failures} failed health checks in a row; last ${change.reason}`
    : `recovered: ${change.reason}`;
  const level = change.change === "recovered" ? "info" : "warn";
  deps.logs.push(id, { ts: Date.now(), stream: "system", level, msg });
  if (change.change === "restart") return;
  void deps.bus.emitSystemEvent(HEALTH_EVENTS[change.change], {
    plugin: id,
    reason: change.reason,
    failures: change.failures,
  });
}
