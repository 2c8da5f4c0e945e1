/**
 * Which tenants a plugin runs for, what a call for a tenant carries (its config), and what a
 * tenant's removal takes with it. No `tenant_scopes` row = every tenant, as before tenants.
 */
import { appendAudit, auditStatement } from "../audit/mod.ts";
import type { TenantCall } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import { TenantConflictError, TenantRegistry } from "../tenants/mod.ts";
import type { PluginDbAccess } from "./plugin_db_access.ts";
import { getPlugin, listPlugins } from "./repository.ts";
import type { TenantConfigs, TenantConfigView } from "./tenant_configs.ts";
import { isSystemAddon } from "./system_addons.ts";
import type { PluginRecord, SystemEventSink } from "./types.ts";

/** How `plugd plugin enable` changes the tenants a plugin runs for. */
export interface TenantScopeChange {
  /** Run (also) for these tenants; a plugin that ran for every tenant then runs only for them. */
  tenants?: string[];
  /** Run for every tenant again (and for events without one). */
  allTenants?: boolean;
}

/** A plugin that runs for a tenant: by name, or because it runs for every tenant. */
export interface TenantPlugin {
  id: string;
  state: string;
  via: "tenant" | "all";
}

/** A call for a tenant the plugin does not run for (its scope changed after the event came in). */
export class TenantCallError extends Error {
  override name = "TenantCallError";
}

/** What {@linkcode PluginTenants} works with. */
export interface PluginTenantsDeps {
  store: Store;
  /** @default a registry on `store` */
  registry?: TenantRegistry;
  configs: TenantConfigs;
  db: PluginDbAccess;
  events: SystemEventSink;
  /**
   * Tells a running plugin that its config for `tenant` changed: its `onConfigChange(old, new)`
   * with `ctx.tenant` set and `ctx.config` the tenant's new config. Failures are the caller's
   * to log. @default none (nothing is told)
   */
  onConfigChange?: (
    pluginId: string,
    tenant: string,
    change: { old: Record<string, unknown>; new: Record<string, unknown> },
  ) => Promise<void>;
}

/** Per-tenant enablement and the tenant side of calls, over the tenant registry. */
export class PluginTenants {
  readonly registry: TenantRegistry;
  #d: PluginTenantsDeps;
  #calls = new Map<string, Promise<TenantCall>>();
  #refusals = new Map<string, { at: number; suppressed: number }>();

  constructor(deps: PluginTenantsDeps) {
    this.#d = deps;
    this.registry = deps.registry ?? new TenantRegistry(deps.store);
  }

  /**
   * Audits an emit refused for naming another tenant (each refusal is logged and counted too): at
   * most one row per plugin every 10 s, with how many more were refused meanwhile, so a plugin
   * that keeps trying cannot flood the audit log.
   */
  refused(pluginId: string, type: string, claimed: string): void {
    const now = Date.now();
    const last = this.#refusals.get(pluginId);
    if (last && now - last.at < 10_000) return void last.suppressed++;
    this.#refusals.set(pluginId, { at: now, suppressed: 0 });
    const entry = { actor: `plugin:${pluginId}`, action: "plugin.emit.tenant_refused" };
    const more = last?.suppressed ?? 0;
    void appendAudit(this.#d.store, {
      ...entry,
      target: pluginId,
      result: "denied",
      detail: { type, claimed, ...(more > 0 ? { refused_since_last_row: more } : {}) },
    }).catch(() => {});
  }

  /** Registers a tenant (audited) and announces it as `tenant.created`. */
  async add(input: { id: unknown; name?: unknown }, actor: string) {
    const tenant = await this.registry.add(input, actor);
    await this.#d.events.emitSystemEvent("tenant.created", {
      tenant: tenant.id,
      name: tenant.name,
    });
    return tenant;
  }

  /**
   * Applies `scope`, then enables the plugin with `enable` unless it already runs (then the
   * change alone is announced as `plugin.tenants_changed`). No scope: just `enable`, as before.
   */
  async enable(
    id: string,
    scope: TenantScopeChange | undefined,
    actor: string,
    enable: () => Promise<void>,
  ): Promise<void> {
    if (!scope || (!scope.allTenants && !scope.tenants?.length)) return await enable();
    if (scope.allTenants && scope.tenants?.length) {
      throw new RangeError("give tenants or all_tenants, not both");
    }
    const plugin = await getPlugin(this.#d.store, id);
    const tenants = [];
    for (const t of scope.tenants ?? []) tenants.push(await this.registry.require(t));
    const now = new Date().toISOString();
    await this.#write(id, actor, { tenants: scope.allTenants ? "all" : tenants }, [
      ...(scope.allTenants
        ? ["tenant_scopes", "plugin_tenants"].map((table) => ({
          sql: `DELETE FROM ${table} WHERE plugin_id = ?`,
          args: [id],
        }))
        : [
          {
            sql: "INSERT OR IGNORE INTO tenant_scopes (plugin_id, updated_at) VALUES (?, ?)",
            args: [id, now],
          },
          ...tenants.map((t) => ({
            sql:
              "INSERT OR IGNORE INTO plugin_tenants (plugin_id, tenant, enabled_at) VALUES (?, ?, ?)",
            args: [id, t, now],
          })),
        ]),
    ]);
    if (plugin.state !== "enabled") return await enable();
    await this.#announce(id);
  }

  /**
   * With a `tenant`: stops running `id` for it (409 for a plugin that runs for every tenant).
   * Without: `disable` (the plugin as a whole).
   */
  async disable(
    id: string,
    tenant: string | undefined,
    actor: string,
    disable: () => Promise<void>,
  ): Promise<void> {
    if (tenant === undefined) return await disable();
    const plugin = await getPlugin(this.#d.store, id);
    await this.registry.require(tenant);
    if (!plugin.tenants) {
      throw new TenantConflictError(
        `Plugin "${id}" runs for every tenant; to run it for some only, enable it for them ` +
          `("plugd plugin enable ${id} --tenant <id>"), or disable it for all ("plugd plugin disable ${id}")`,
      );
    }
    await this.#write(id, actor, { disabled_for: tenant }, [{
      sql: "DELETE FROM plugin_tenants WHERE plugin_id = ? AND tenant = ?",
      args: [id, tenant],
    }]);
    await this.#announce(id);
  }

  /** `GET /v1/plugins/{id}/config?tenant=`: the tenant's overrides and its resulting config. */
  async config(id: string, tenant: string): Promise<TenantConfigView> {
    const plugin = await getPlugin(this.#d.store, id);
    return await this.#d.configs.view(plugin, await this.registry.require(tenant));
  }

  /**
   * `PUT /v1/plugins/{id}/config?tenant=`: replaces the tenant's overrides (validated with the
   * plugin's config, audited). The next call for the tenant gets them; nothing restarts. A running
   * plugin that runs for the tenant gets `onConfigChange(old, new)` for it (`ctx.tenant` set).
   */
  async setConfig(
    id: string,
    tenant: string,
    values: unknown,
    actor: string,
  ): Promise<TenantConfigView> {
    const plugin = await getPlugin(this.#d.store, id);
    const change = await this.#d.configs.set(
      plugin,
      await this.registry.require(tenant),
      values,
      actor,
    );
    this.forget(id);
    if (plugin.state === "enabled" && !isSystemAddon(plugin) && runsFor(plugin, tenant)) {
      await this.#d.onConfigChange?.(id, tenant, { old: change.previous, new: change.next });
    }
    await this.#d.events.emitSystemEvent("plugin.config_changed", { plugin: id, tenant });
    return await this.#d.configs.view(plugin, tenant);
  }

  /** The plugins that run for `tenant`: by name (`via: "tenant"`) or for every tenant (`all`). */
  async pluginsOf(tenant: string): Promise<TenantPlugin[]> {
    const list: TenantPlugin[] = [];
    for (const p of await listPlugins(this.#d.store)) {
      if (!p.tenants) list.push({ id: p.id, state: p.state, via: "all" });
      else if (p.tenants.includes(tenant)) list.push({ id: p.id, state: p.state, via: "tenant" });
    }
    return list;
  }

  /**
   * What a call of `plugin` for `tenant` carries: the tenant and its config; null while no tenant
   * is registered (the call is plugin-wide, as before tenants). Refused when the plugin does not
   * run for that tenant. Cached until {@linkcode forget}.
   */
  async callFor(pluginId: string, tenant: string): Promise<TenantCall | null> {
    if (!await this.registry.enforced()) return null;
    const key = `${pluginId}\n${tenant}`;
    let call = this.#calls.get(key);
    if (!call) {
      call = this.#load(pluginId, tenant);
      this.#calls.set(key, call);
      call.catch(() => this.#calls.get(key) === call && this.#calls.delete(key));
    }
    return await call;
  }

  /** Drops cached tenant calls (after config, scope or runtime changes); all without an id. */
  forget(pluginId?: string): void {
    if (pluginId === undefined) return this.#calls.clear();
    for (const key of this.#calls.keys()) {
      if (key.startsWith(`${pluginId}\n`)) this.#calls.delete(key);
    }
  }

  /**
   * Removes a tenant: its enablements always; with `purge`, its storage, config overrides and
   * databases of every plugin too (kept otherwise: adding the tenant again finds them).
   */
  async remove(tenant: string, purge: boolean, actor: string): Promise<{ plugins: string[] }> {
    const rs = await this.#d.store.execute({
      sql: "SELECT plugin_id FROM plugin_tenants WHERE tenant = ? ORDER BY plugin_id",
      args: [tenant],
    });
    const plugins = rs.rows.map((r) => String(r.plugin_id));
    const tables = purge
      ? ["plugin_tenants", "tenant_storage", "tenant_configs"]
      : ["plugin_tenants"];
    await this.registry.remove(tenant, actor, {
      statements: tables.map((t) => ({ sql: `DELETE FROM ${t} WHERE tenant = ?`, args: [tenant] })),
      detail: { purge, plugins },
    });
    this.forget();
    if (purge) await this.#d.db.purgeTenant(tenant);
    await this.#d.events.emitSystemEvent("tenant.removed", { tenant, purge, plugins });
    return { plugins };
  }

  async #load(pluginId: string, tenant: string): Promise<TenantCall> {
    const plugin = await getPlugin(this.#d.store, pluginId);
    if (!runsFor(plugin, tenant)) {
      throw new TenantCallError(`plugin "${pluginId}" does not run for tenant "${tenant}"`);
    }
    return { id: tenant, config: await this.#d.configs.effective(plugin, tenant) };
  }

  async #write(
    id: string,
    actor: string,
    detail: Record<string, unknown>,
    statements: { sql: string; args: unknown[] }[],
  ): Promise<void> {
    await this.#d.store.write(async () => ({
      statements: [
        ...statements.map((s) => ({ sql: s.sql, args: s.args as (string | number)[] })),
        await auditStatement(this.#d.store, {
          actor,
          action: "plugin.tenants",
          target: id,
          result: "ok",
          detail,
        }),
      ],
      afterCommit: () => this.forget(id),
    }));
  }

  async #announce(id: string): Promise<void> {
    const plugin = await getPlugin(this.#d.store, id);
    await this.#d.events.emitSystemEvent("plugin.tenants_changed", {
      plugin: id,
      version: plugin.version,
      tenants: plugin.tenants ?? "all",
    });
  }
}

/** Whether `plugin` runs for `tenant` (null: a call without a tenant). */
export function runsFor(plugin: Pick<PluginRecord, "tenants">, tenant: string | null): boolean {
  if (!plugin.tenants) return true;
  return tenant !== null && plugin.tenants.includes(tenant);
}
