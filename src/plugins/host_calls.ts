import { isEventType, matchesEventPattern } from "../manifest/mod.ts";
import type { HostHandler } from "../runtime/mod.ts";
import { type EmitLimiter, EmitRateLimitedError } from "./emit_limiter.ts";
import type { PluginStorage } from "./storage.ts";
import { DB_OPS, type PluginDbAccess } from "./plugin_db_access.ts";
import type { SeriesBatch } from "../executions/mod.ts";

/** Accepts an event a plugin emitted (after the emit permission check). */
export interface PluginEventSink {
  /** `tenant`: the tenant of the call the plugin emitted from (the event's `tenant`), or null. */
  emitFromPlugin(
    pluginId: string,
    type: string,
    data: unknown,
    tenant?: string | null,
  ): Promise<{ id: string }>;
}

/**
 * Why an emit was refused: the type is not granted, the plugin is over its rate, or it named a
 * tenant other than the one of the call it emitted from.
 */
export type EmitDenial = "permission" | "rate" | "tenant";

/** Thrown to the plugin when it tries to emit for a tenant it is not handling. */
export class TenantSpoofError extends Error {
  override name = "TenantSpoofError";
}

/** Thrown to the plugin when it emits a type its `emit` permission does not name. */
export class EmitDeniedError extends Error {
  override name = "EmitDeniedError";
}

/**
 * Serves plugin→host calls. The plugin id comes from the process that made the call (bound
 * by the runtime), so a plugin can only ever touch its own storage and emit as itself.
 */
export function createHostHandler(deps: {
  storage: PluginStorage;
  events: PluginEventSink;
  emitPatterns: (pluginId: string) => string[];
  /** Per-plugin emit rate limits. @default none */
  emitLimiter?: EmitLimiter;
  /** `claimed`: the tenant a refused emit named (reason `tenant`). */
  onEmitDenied: (pluginId: string, type: string, reason: EmitDenial, claimed?: string) => void;
  /** Plugin databases (`ctx.db`). @default none: `db.*` calls fail */
  db?: PluginDbAccess;
  /** The plugins' own series (`ctx.metrics`); answers how many values it refused. */
  series?: { record(pluginId: string, batch: SeriesBatch): number };
}): HostHandler {
  return {
    async handleHostCall(pluginId, op, rawArgs, scope) {
      const args = (typeof rawArgs === "object" && rawArgs !== null ? rawArgs : {}) as Record<
        string,
        unknown
      >;
      const tenant = scope?.tenant ?? null;
      switch (op) {
        case "storage.get":
          return await deps.storage.get(pluginId, args.key, tenant);
        case "storage.set":
          await deps.storage.set(pluginId, args.key, args.value, tenant);
          return null;
        case "storage.delete":
          return await deps.storage.delete(pluginId, args.key, tenant);
        case "storage.list":
          return await deps.storage.list(pluginId, args.prefix ?? "", tenant);
        case "emit":
          return await emit(pluginId, args, tenant);
        case "metrics":
          return { refused: deps.series?.record(pluginId, args as SeriesBatch) ?? 0 };
        default:
          if (deps.db && DB_OPS.includes(op)) {
            return await deps.db.handle(pluginId, op, args, tenant);
          }
          throw new TypeError(`unknown host operation "${op}"`);
      }
    },
  };

  /**
   * Emits as the plugin, for the tenant of the call it emits from (never one it names); answers
   * the new event's id (what `ctx.emit` resolves to).
   */
  async function emit(
    pluginId: string,
    args: Record<string, unknown>,
    tenant: string | null,
  ): Promise<string> {
    const type = args.type;
    if (typeof type !== "string" || !isEventType(type)) {
      throw new TypeError("emit(type, data): type must be a lowercase dotted event type");
    }
    const allowed = type.startsWith("plugin.")
      ? false
      : deps.emitPatterns(pluginId).some((p) => matchesEventPattern(p, type));
    if (!allowed) {
      deps.onEmitDenied(pluginId, type, "permission");
      throw new EmitDeniedError(
        `emitting "${type}" is not permitted; add emit: ["${type}"] to plugin.yaml ` +
          `(plugin.* types belong to the daemon and are never grantable)`,
      );
    }
    if (deps.emitLimiter && !deps.emitLimiter.take(pluginId)) {
      deps.onEmitDenied(pluginId, type, "rate");
      const rate = deps.emitLimiter.rate(pluginId)!;
      throw new EmitRateLimitedError(
        `emitting "${type}" refused: over this plugin's limit of ${rate.perSecond} events/s ` +
          `(burst ${rate.burst}); emit less often, or ask the operator for a higher ` +
          `limits.emit_per_s (capped by PLUGD_EMIT_RATE_MAX)`,
      );
    }
    // After the grant and the rate: refusals a plugin can cause are bounded by its emit rate.
    if (args.tenant !== undefined && args.tenant !== tenant) {
      deps.onEmitDenied(pluginId, type, "tenant", String(args.tenant).slice(0, 80));
      throw new TenantSpoofError(
        `emitting "${type}" for tenant ${JSON.stringify(args.tenant).slice(0, 80)} refused: ` +
          `an event a plugin emits is for the tenant of the call it handles (${
            tenant === null ? "none" : `"${tenant}"`
          }), set by the daemon; leave the tenant out`,
      );
    }
    return (await deps.events.emitFromPlugin(pluginId, type, args.data ?? null, tenant)).id;
  }
}
