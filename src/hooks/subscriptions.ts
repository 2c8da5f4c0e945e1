/** Which enabled plugins subscribe to what: a cache of manifests' `hooks:` entries. */
import { matchesEventPattern } from "../manifest/mod.ts";
import type { HookHost, Subscriber } from "./types.ts";

type Kind = "action" | "filter" | "gate";

interface Entry extends Subscriber {
  kind: Kind;
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

  /** Action subscribers of event `type` (exact or wildcard hooks). */
  actions(type: string): Promise<Subscriber[]> {
    return this.#match("action", type);
  }

  /** Filter subscribers of `name`, in chain order. */
  filters(name: string): Promise<Subscriber[]> {
    return this.#match("filter", name);
  }

  /** Gate subscribers of `name`. */
  gates(name: string): Promise<Subscriber[]> {
    return this.#match("gate", name);
  }

  async #match(kind: Kind, name: string): Promise<Subscriber[]> {
    const entries = await this.#load();
    return entries
      .filter((e) => e.kind === kind && matchesEventPattern(e.hook, name))
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
        });
      }
    }
    return entries.sort((a, b) =>
      a.priority - b.priority || (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0)
    );
  }
}
