import {
  type DeniedAttempt,
  type ResourceCaps,
  type RuntimeState,
  Supervisor,
} from "../runtime/mod.ts";
import type { EmitLimiter } from "./emit_limiter.ts";
import { createHostHandler, type EmitDenial, type PluginEventSink } from "./host_calls.ts";
import type { LogRings } from "./log_ring.ts";
import type { PluginStorage } from "./storage.ts";

/** What the daemon's supervisor is wired to. */
export interface PluginSupervisorDeps {
  storage: PluginStorage;
  logs: LogRings;
  caps?: ResourceCaps;
  idleStopMs: number;
  /** The event bus, once attached. */
  bus: () => PluginEventSink | null;
  /** The granted `emit` patterns of a plugin. */
  emitPatterns: (pluginId: string) => string[];
  /** Per-plugin emit rate limits. */
  emitLimiter?: EmitLimiter;
  onEmitDenied: (pluginId: string, type: string, reason: EmitDenial) => void;
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
      emitPatterns: deps.emitPatterns,
      emitLimiter: deps.emitLimiter,
      onEmitDenied: deps.onEmitDenied,
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
    caps: deps.caps,
    idleStopMs: deps.idleStopMs,
  });
}
