import type { Migration } from "../types.ts";

/**
 * System addons: each addon's own status beside plugd's state (`addon_state`), and one execution
 * record per contract call (`addon_executions`). The record's first columns (id, plugin_id,
 * kind, name, status, actor, started_at, finished_at, duration_ms, error, result) are those of a
 * general execution record, so they can fold into one `executions` table for every invocation
 * kind; the rest is what a process run adds (exit code, signal, capped output).
 */
export const migration017: Migration = {
  version: 17,
  name: "addons",
  statements: [
    `CREATE TABLE addon_state (
      plugin_id TEXT PRIMARY KEY REFERENCES plugins(id) ON DELETE CASCADE,
      status TEXT NOT NULL DEFAULT 'not_installed',
      health TEXT NOT NULL DEFAULT 'unknown',
      message TEXT NOT NULL DEFAULT '',
      reported_version TEXT,
      details TEXT NOT NULL DEFAULT '{}',
      checked_at TEXT,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE addon_executions (
      id TEXT PRIMARY KEY,
      plugin_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('operation', 'check')),
      name TEXT NOT NULL,
      status TEXT NOT NULL
        CHECK (status IN ('running', 'succeeded', 'failed', 'timeout', 'interrupted')),
      actor TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      duration_ms INTEGER,
      error TEXT,
      result TEXT,
      plugin_version TEXT NOT NULL,
      args TEXT NOT NULL DEFAULT '[]',
      exit_code INTEGER,
      signal TEXT,
      stdout TEXT NOT NULL DEFAULT '',
      stderr TEXT NOT NULL DEFAULT '',
      stdout_bytes INTEGER NOT NULL DEFAULT 0,
      stderr_bytes INTEGER NOT NULL DEFAULT 0,
      truncated INTEGER NOT NULL DEFAULT 0,
      status_before TEXT,
      status_after TEXT
    )`,
    `CREATE INDEX addon_executions_plugin ON addon_executions (plugin_id, started_at)`,
    `CREATE INDEX addon_executions_running ON addon_executions (status) WHERE status = 'running'`,
  ],
};
