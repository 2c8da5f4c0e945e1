import { type DeniedAttempt, type RuntimeState, Supervisor } from "../runtime/mod.ts";
import type { EmitPolicy } from "./emit_policy.ts";
import { createHostHandler, type PluginEventSink } from "./host_calls.ts";
import type { LogRings } from "./log_ring.ts";
import type { PluginStorage } from "./storage.ts";
import type { PluginDbAccess } from "./plugin_db_access.ts";

/** What the daemon's supervisor is wired to. */
export interface PluginSupervisorDeps {
  storage: PluginStorage;
  /** Plugin databases. */
  db?: PluginDbAccess;
  logs: LogRings;
  idleStopMs: number;
  /** The event bus. */
  bus: PluginEventSink;
  /** Each plugin's granted emit types, rate limit and refusal counts. */
  emit: EmitPolicy;
  onPermissionDenied: (pluginId: string, attempt: DeniedAttempt) => void;
  onStateChange: (pluginId: string, state: RuntimeState, reason?: string) => void;
  verifyIntegrity: (pluginId: string) => Promise<boolean>;
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
      onEmitDenied: (id, type, reason) => deps.emit.record(id, type, reason),
      db: deps.db,
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
  });
}
