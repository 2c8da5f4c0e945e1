/** The `ctx` object handlers receive, backed by host calls. */
import type { PluginContext, PluginLogger } from "../../../sdk/types.ts";
import { pluginMetrics } from "./metrics.ts";
import { hostCall, send } from "./channel.ts";
import { createDatabase } from "./db.ts";
import type { HostFrame, LogLevel } from "./wire.ts";

type Init = Extract<HostFrame, { t: "init" }>;

function logger(): PluginLogger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>): void => {
    send({ t: "log", level, msg: String(msg).slice(0, 64 * 1024), ...(fields ? { fields } : {}) });
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Build the context from the host's `init` frame. */
export function createContext(init: Init): PluginContext {
  return Object.freeze({
    plugin: Object.freeze({ ...init.plugin }),
    paths: Object.freeze({ ...init.paths }),
    config: init.config,
    storage: Object.freeze({
      get: <T>(key: string) => hostCall("storage.get", { key }) as Promise<T | undefined>,
      set: async (key: string, value: unknown) => {
        await hostCall("storage.set", { key, value });
      },
      delete: async (key: string) => {
        await hostCall("storage.delete", { key });
      },
      list: (prefix?: string) => hostCall("storage.list", { prefix }) as Promise<string[]>,
    }),
    db: createDatabase(),
    log: Object.freeze(logger()),
    emit: (type: string, data?: unknown) => hostCall("emit", { type, data }) as Promise<string>,
    metrics: pluginMetrics(),
  });
}
