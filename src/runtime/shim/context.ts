/** The `ctx` object handlers receive, backed by host calls. */
import type { PluginContext, PluginLogger, PluginStorage } from "../../../sdk/types.ts";
import { pluginMetrics } from "./metrics.ts";
import { hostCall, send } from "./channel.ts";
import { createDatabase } from "./db.ts";
import type { HostFrame, LogLevel, TenantCall } from "./wire.ts";

type Init = Extract<HostFrame, { t: "init" }>;

function logger(): PluginLogger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>): void => {
    send({ t: "log", level, msg: String(msg).slice(0, 64 * 1024), ...(fields ? { fields } : {}) });
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** `{call}` for host calls made for a tenant's call (the host checks it is in flight). */
type CallRef = { call?: number };

function storage(ref: CallRef): PluginStorage {
  return Object.freeze({
    get: <T>(key: string) => hostCall("storage.get", { key, ...ref }) as Promise<T | undefined>,
    set: async (key: string, value: unknown) => {
      await hostCall("storage.set", { key, value, ...ref });
    },
    delete: async (key: string) => {
      await hostCall("storage.delete", { key, ...ref });
    },
    list: (prefix?: string) => hostCall("storage.list", { prefix, ...ref }) as Promise<string[]>,
  });
}

function emitter(ref: CallRef): PluginContext["emit"] {
  return (type: string, data?: unknown) =>
    hostCall("emit", { type, data, ...ref }) as Promise<string>;
}

/** Build the context from the host's `init` frame: plugin-wide, `tenant` null. */
export function createContext(init: Init): PluginContext {
  return Object.freeze({
    plugin: Object.freeze({ ...init.plugin }),
    paths: Object.freeze({ ...init.paths }),
    tenant: null,
    config: init.config,
    storage: storage({}),
    db: createDatabase({}),
    log: Object.freeze(logger()),
    emit: emitter({}),
    metrics: pluginMetrics(),
  });
}

/**
 * The context of one call made for a tenant: its id and config, and storage, database and emit
 * that name the call, so the host acts for that tenant (and refuses once the call has ended).
 */
export function tenantContext(
  ctx: PluginContext,
  callId: number,
  tenant: TenantCall,
): PluginContext {
  const ref = { call: callId };
  return Object.freeze({
    ...ctx,
    tenant: tenant.id,
    config: tenant.config,
    storage: storage(ref),
    db: createDatabase(ref),
    emit: emitter(ref),
  });
}
