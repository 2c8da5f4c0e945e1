import type { Migration } from "../types.ts";

/** Per-plugin configuration (secrets encrypted inside) and key-value storage. */
export const migration002: Migration = {
  version: 2,
  name: "plugin_data",
  statements: [
    `CREATE TABLE plugin_config (
      plugin_id TEXT PRIMARY KEY REFERENCES plugins(id) ON DELETE CASCADE,
      config TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE plugin_storage (
      plugin_id TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      size INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (plugin_id, key)
    )`,
  ],
};
