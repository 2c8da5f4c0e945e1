import type { Migration } from "../types.ts";

/**
 * Tenants (issue 15): the registry, which plugins run for which tenants (no `tenant_scopes` row =
 * for every tenant, as before tenants existed), each tenant's config overrides (secrets sealed with the
 * tenant in the AAD) and each (plugin, tenant)'s key/value storage.
 */
export const migration022: Migration = {
  version: 22,
  name: "tenants",
  statements: [
    `CREATE TABLE tenants (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    )`,
    // A row here: the plugin runs only for the tenants listed in plugin_tenants (maybe none).
    `CREATE TABLE tenant_scopes (
      plugin_id TEXT PRIMARY KEY,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE plugin_tenants (
      plugin_id TEXT NOT NULL,
      tenant TEXT NOT NULL,
      enabled_at TEXT NOT NULL,
      PRIMARY KEY (plugin_id, tenant)
    )`,
    `CREATE INDEX plugin_tenants_tenant ON plugin_tenants (tenant)`,
    `CREATE TABLE tenant_configs (
      plugin_id TEXT NOT NULL,
      tenant TEXT NOT NULL,
      config TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (plugin_id, tenant)
    )`,
    `CREATE TABLE tenant_storage (
      plugin_id TEXT NOT NULL,
      tenant TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      size INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (plugin_id, tenant, key)
    )`,
    `CREATE INDEX tenant_storage_tenant ON tenant_storage (tenant)`,
  ],
};
