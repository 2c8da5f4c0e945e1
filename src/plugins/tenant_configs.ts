/**
 * Per-tenant config overrides: a partial config per (plugin, tenant), validated with the plugin's
 * config against the same schema, secrets sealed with the tenant in the AAD.
 */
import { auditStatement } from "../audit/mod.ts";
import { type MasterKeyRef, openConfig, redactConfig, sealConfig } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { validateConfigValues } from "./config_values.ts";
import { ConfigValidationError, ConflictError } from "./errors.ts";
import type { PluginRecord } from "./types.ts";

/**
 * Whose secrets these are, for the AAD: `plugin:<id>@<tenant>:<path>`. Neither plugin ids nor
 * tenant ids contain `@`, so no tenant's value opens as the plugin's own or another tenant's.
 */
function owner(pluginId: string, tenant: string): string {
  return `${pluginId}@${tenant}`;
}

/** What `GET /v1/plugins/{id}/config?tenant=` answers: the overrides and what the tenant gets. */
export interface TenantConfigView {
  tenant: string;
  /** The tenant's own settings (secrets as `"********"`). */
  overrides: Record<string, unknown>;
  /** The plugin's config with the overrides applied: what `ctx.config` is for this tenant. */
  config: Record<string, unknown>;
}

/** Tenant overrides of plugin config, on top of the plugin's own (plain) values. */
export class TenantConfigs {
  #store: Store;
  #key: MasterKeyRef;
  #base: (plugin: PluginRecord) => Promise<Record<string, unknown>>;

  constructor(
    store: Store,
    key: MasterKeyRef,
    base: (plugin: PluginRecord) => Promise<Record<string, unknown>>,
  ) {
    this.#store = store;
    this.#key = key;
    this.#base = base;
  }

  /** The tenant's overrides, secrets decrypted ({} when it has none). */
  async overrides(pluginId: string, tenant: string): Promise<Record<string, unknown>> {
    const rs = await this.#store.execute({
      sql: "SELECT config FROM tenant_configs WHERE plugin_id = ? AND tenant = ?",
      args: [pluginId, tenant],
    });
    if (!rs.rows[0]) return {};
    const stored = JSON.parse(String(rs.rows[0].config)) as Record<string, unknown>;
    return await openConfig(this.#key, owner(pluginId, tenant), stored);
  }

  /**
   * What a call for `tenant` gets as `ctx.config`: the plugin's values with the tenant's top-level
   * settings replacing them, defaults applied. A combination the schema refuses (the plugin's
   * config changed since) is a 409 naming the fix.
   */
  async effective(plugin: PluginRecord, tenant: string): Promise<Record<string, unknown>> {
    const merged = { ...await this.#base(plugin), ...await this.overrides(plugin.id, tenant) };
    const { values, problems } = validateConfigValues(plugin.manifest.config, merged, merged);
    if (problems.length > 0) {
      throw new ConflictError(
        `config of plugin "${plugin.id}" for tenant "${tenant}" is invalid: ` +
          `${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}; fix it with ` +
          `"plugd plugin config ${plugin.id} --tenant ${tenant} key=value"`,
      );
    }
    return values;
  }

  /** Overrides and effective config with secrets shown as `"********"`. */
  async view(plugin: PluginRecord, tenant: string): Promise<TenantConfigView> {
    const schema = plugin.manifest.config;
    const overrides = await this.overrides(plugin.id, tenant);
    const merged = { ...await this.#base(plugin), ...overrides };
    const { values } = validateConfigValues(schema, merged, merged);
    return {
      tenant,
      overrides: redactConfig(schema, overrides),
      config: redactConfig(schema, values),
    };
  }

  /**
   * Replaces the tenant's overrides with `input` (a partial config: each top-level setting given
   * replaces the plugin's; `null` or leaving it out falls back to the plugin's). The result is
   * validated as a whole (422 with every problem); a secret sent as `"********"` keeps the value
   * the tenant had. Audited `plugin.config` with the tenant and the names of what changed.
   */
  async set(
    plugin: PluginRecord,
    tenant: string,
    input: unknown,
    actor: string,
  ): Promise<{ previous: Record<string, unknown>; next: Record<string, unknown> }> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw new ConfigValidationError(plugin.id, [{
        field: "",
        message: 'tenant overrides must be a JSON object of settings like {"channel": "#acme"}',
      }]);
    }
    const base = await this.#base(plugin);
    const before = await this.overrides(plugin.id, tenant);
    const previous = { ...base, ...before };
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));
    const { values, problems } = validateConfigValues(
      plugin.manifest.config,
      { ...base, ...given },
      previous,
    );
    if (problems.length > 0) throw new ConfigValidationError(plugin.id, problems);
    const overrides = Object.fromEntries(Object.keys(given).map((k) => [k, values[k]]));
    const changed = Object.keys({ ...before, ...overrides })
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(overrides[k])).sort();
    const who = owner(plugin.id, tenant);
    await this.#store.write(async () => ({
      // Sealed under the write lock: a master-key rotation cannot slip in between.
      statements: [
        Object.keys(overrides).length === 0
          ? {
            sql: "DELETE FROM tenant_configs WHERE plugin_id = ? AND tenant = ?",
            args: [plugin.id, tenant],
          }
          : {
            sql: `INSERT INTO tenant_configs (plugin_id, tenant, config, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (plugin_id, tenant) DO UPDATE SET config = excluded.config,
                  updated_at = excluded.updated_at`,
            args: [
              plugin.id,
              tenant,
              JSON.stringify(await sealConfig(this.#key, who, plugin.manifest.config, overrides)),
              new Date().toISOString(),
            ],
          },
        await auditStatement(this.#store, {
          actor,
          action: "plugin.config",
          target: plugin.id,
          result: "ok",
          detail: { tenant, changed }, // names only: values may be secrets
        }),
      ],
    }));
    return { previous, next: values };
  }
}

/** The AAD owner of a tenant's sealed values (for key rotation). */
export const tenantSecretOwner = owner;
