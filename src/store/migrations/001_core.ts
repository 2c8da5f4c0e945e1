import type { Migration } from "../types.ts";

/** Plugins, grants, tokens and the hash-chained audit log. */
export const migration001: Migration = {
  version: 1,
  name: "core",
  statements: [
    `CREATE TABLE plugins (
      id TEXT PRIMARY KEY,
      version TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('installed', 'enabled', 'disabled', 'failed')),
      manifest TEXT NOT NULL,
      source TEXT NOT NULL,
      digest TEXT NOT NULL,
      signed_by TEXT,
      failed_reason TEXT,
      installed_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE grants (
      plugin_id TEXT PRIMARY KEY REFERENCES plugins(id) ON DELETE CASCADE,
      permissions TEXT NOT NULL,
      granted_by TEXT NOT NULL,
      granted_at TEXT NOT NULL
    )`,
    `CREATE TABLE tokens (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('admin', 'operator', 'reader', 'emitter')),
      hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT,
      revoked_at TEXT,
      last_used_at TEXT
    )`,
    `CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      ts TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      result TEXT NOT NULL,
      detail TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    )`,
  ],
};
