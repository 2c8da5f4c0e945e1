/** An in-memory `HostHandler` for tests and `@plugd/sdk/testing`. */
import type { HostHandler } from "./types.ts";

/** Storage and emitted events kept in memory, per plugin. */
export class MemoryHost implements HostHandler {
  /** `pluginId` → key → value. */
  readonly storage: Map<string, Map<string, unknown>> = new Map();
  /** Events emitted through `ctx.emit`. */
  readonly emitted: { pluginId: string; type: string; data: unknown; id: string }[] = [];

  /** Serve one host call. */
  handleHostCall(pluginId: string, op: string, args: unknown): Promise<unknown> {
    const a = (args ?? {}) as Record<string, unknown>;
    let s = this.storage.get(pluginId);
    if (!s) this.storage.set(pluginId, s = new Map());
    const key = String(a.key ?? "");
    switch (op) {
      case "storage.get":
        return Promise.resolve(structuredClone(s.get(key)));
      case "storage.set":
        s.set(key, structuredClone(a.value));
        return Promise.resolve(undefined);
      case "storage.delete":
        s.delete(key);
        return Promise.resolve(undefined);
      case "storage.list": {
        const prefix = typeof a.prefix === "string" ? a.prefix : "";
        return Promise.resolve([...s.keys()].filter((k) => k.startsWith(prefix)).sort());
      }
      case "emit": {
        const id = crypto.randomUUID();
        this.emitted.push({ pluginId, type: String(a.type), data: a.data, id });
        return Promise.resolve(id);
      }
    }
    return Promise.reject(new TypeError(`Unknown host operation "${op}"`));
  }
}
