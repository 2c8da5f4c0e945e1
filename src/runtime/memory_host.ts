/** An in-memory `HostHandler` for tests and `@plugd/sdk/testing`. */
import type { HostCallScope, HostHandler } from "./types.ts";

/** Storage and emitted events kept in memory, per plugin (and per tenant, for tenant calls). */
export class MemoryHost implements HostHandler {
  /** `pluginId` → key → value. */
  readonly storage: Map<string, Map<string, unknown>> = new Map();
  /** Storage of calls made for a tenant: `tenant` → key → value (one plugin per host). */
  readonly tenantStorage: Map<string, Map<string, unknown>> = new Map();
  /** Events emitted through `ctx.emit` (`tenant`: the tenant of the call it came from). */
  readonly emitted: {
    pluginId: string;
    type: string;
    data: unknown;
    id: string;
    tenant: string | null;
  }[] = [];

  /** Serve one host call (a storage call in a tenant's call reaches that tenant's storage). */
  handleHostCall(
    pluginId: string,
    op: string,
    args: unknown,
    scope?: HostCallScope,
  ): Promise<unknown> {
    const a = (args ?? {}) as Record<string, unknown>;
    const tenant = scope?.tenant ?? null;
    const space = tenant === null ? this.storage : this.tenantStorage;
    const owner = tenant ?? pluginId;
    let s = space.get(owner);
    if (!s) space.set(owner, s = new Map());
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
        this.emitted.push({ pluginId, type: String(a.type), data: a.data, id, tenant });
        return Promise.resolve(id);
      }
    }
    return Promise.reject(new TypeError(`Unknown host operation "${op}"`));
  }
}
