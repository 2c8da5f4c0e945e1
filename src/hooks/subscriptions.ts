/** Which enabled plugins subscribe to what: a cache of manifests' `hooks:` entries. */
import { matchesEventPattern } from "../manifest/mod.ts";
import type { HookHost, Subscriber } from "./types.ts";

type Kind = "action" | "filter" | "gate";

interface Entry extends Subscriber {
  kind: Kind;
  /** The tenants its plugin runs for; null = every tenant and calls without one. */
  tenants: string[] | null;
}

/**
 * Subscribers by kind and name, ordered by priority (lower first), then plugin id. The list is
 * re-read after `invalidate()` (every lifecycle event) and at most `ttlMs` after the last read.
 */
export class SubscriptionIndex {
  #host: Pick<HookHost, "enabled">;
  #ttlMs: number;
  #entries: Promise<Entry[]> | null = null;
  #loadedAt = 0;
  #generation = 0;

  constructor(host: Pick<HookHost, "enabled">, ttlMs = 2000) {
    this.#host = host;
    this.#ttlMs = ttlMs;
  }

  /** Forgets the cached list; the next lookup reads the enabled plugins again. */
  invalidate(): void {
    this.#generation++;
    this.#entries = null;
  }

  /**
   * Action subscribers of event `type` (exact or wildcard hooks) among the plugins that run for
   * `tenant` (those enabled for it or for every tenant; without a tenant, the latter only).
   */
  actions(type: string, tenant: string | null = null): Promise<Subscriber[]> {
    return this.#match("action", type, tenant);
  }

  /** Filter subscribers of `name`, in chain order, among the plugins that run for `tenant`. */
  filters(name: string, tenant: string | null = null): Promise<Subscriber[]> {
    return this.#match("filter", name, tenant);
  }

  /** Gate subscribers of `name` among the plugins that run for `tenant`. */
  gates(name: string, tenant: string | null = null): Promise<Subscriber[]> {
    return this.#match("gate", name, tenant);
  }

  async #match(kind: Kind, name: string, tenant: string | null): Promise<Subscriber[]> {
    const entries = await this.#load();
    const runsFor = (e: Entry) =>
      e.tenants === null || (tenant !== null && e.tenants.includes(tenant));
    return entries
      .filter((e) => e.kind === kind && matchesEventPattern(e.hook, name) && runsFor(e))
      .map(({ pluginId, hook, priority, timeoutMs }) => ({ pluginId, hook, priority, timeoutMs }));
  }

  #load(): Promise<Entry[]> {
    if (this.#entries && Date.now() - this.#loadedAt < this.#ttlMs) return this.#entries;
    const generation = this.#generation;
    const loading = this.#read();
    this.#entries = loading;
    this.#loadedAt = Date.now();
    loading.catch(() => {
      if (this.#generation === generation && this.#entries === loading) this.#entries = null;
    });
    return loading;
  }

  async #read(): Promise<Entry[]> {
    const plugins = await this.#host.enabled();
    const entries: Entry[] = [];
    for (const p of plugins) {
      for (const h of p.manifest.hooks) {
        if (h.kind === "task") continue; // tasks are queued work, not subscriptions
        entries.push({
          kind: h.kind,
          pluginId: p.id,
          hook: h.name,
          priority: h.priority,
          timeoutMs: p.manifest.limits.timeout_ms,
          tenants: p.tenants ?? null,
        });
      }
    }
    return entries.sort((a, b) =>
      a.priority - b.priority || (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0)
    );
  }
}
