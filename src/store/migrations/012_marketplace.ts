import type { Migration } from "../types.ts";

/**
 * What the daemon keeps about its registries: where each installed plugin came from, the
 * advisory feeds it accepted (position and entries), per-plugin auto-update policies, and the
 * updates it has already announced or tried.
 */
export const migration012: Migration = {
  version: 12,
  name: "marketplace",
  statements: [
    `CREATE TABLE plugin_origins (
      plugin_id TEXT PRIMARY KEY REFERENCES plugins(id) ON DELETE CASCADE,
      registry TEXT NOT NULL,
      version TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    )`,
    `CREATE TABLE advisory_feeds (
      registry TEXT PRIMARY KEY,
      key_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      head TEXT NOT NULL,
      generated_at TEXT,
      accepted_at TEXT NOT NULL
    )`,
    `CREATE TABLE advisories (
      registry TEXT NOT NULL,
      seq INTEGER NOT NULL,
      id TEXT NOT NULL,
      plugin TEXT NOT NULL,
      versions TEXT NOT NULL,
      severity TEXT NOT NULL,
      action TEXT NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      fixed_in TEXT,
      url TEXT,
      withdraws TEXT,
      published_at TEXT NOT NULL,
      withdrawn_at TEXT,
      PRIMARY KEY (registry, seq)
    )`,
    `CREATE INDEX advisories_plugin ON advisories (plugin)`,
    `CREATE TABLE advisory_applied (
      registry TEXT NOT NULL,
      seq INTEGER NOT NULL,
      plugin_id TEXT NOT NULL,
      version TEXT NOT NULL,
      action TEXT NOT NULL,
      applied_at TEXT NOT NULL,
      PRIMARY KEY (registry, seq, plugin_id, version)
    )`,
    `CREATE TABLE update_policies (
      plugin_id TEXT PRIMARY KEY REFERENCES plugins(id) ON DELETE CASCADE,
      policy TEXT NOT NULL CHECK (policy IN ('off', 'patch', 'minor')),
      set_by TEXT NOT NULL,
      set_at TEXT NOT NULL
    )`,
    `CREATE TABLE update_notices (
      plugin_id TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
      version TEXT NOT NULL,
      noticed_at TEXT NOT NULL,
      outcome TEXT,
      PRIMARY KEY (plugin_id, version)
    )`,
    `CREATE TABLE registry_installations (
      registry TEXT PRIMARY KEY,
      installation_id TEXT NOT NULL,
      token TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
  ],
};
