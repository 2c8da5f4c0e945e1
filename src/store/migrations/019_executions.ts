import type { Migration } from "../types.ts";

/**
 * Execution records of every call into a plugin (issue 15), newest first by `started_at`, and the
 * usage rollups the console's charts and `GET /v1/plugins/{id}/usage` read: per plugin and per
 * minute or hour, and per handler (its last call and totals).
 */
export const migration019: Migration = {
  version: 19,
  name: "executions",
  statements: [
    `CREATE TABLE executions (
      id INTEGER PRIMARY KEY,
      plugin_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      tenant TEXT,
      status TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 1,
      started_at INTEGER NOT NULL,
      duration_ms REAL,
      error TEXT,
      input TEXT,
      output TEXT,
      event_id TEXT,
      task_id TEXT,
      actor TEXT,
      detail TEXT
    )`,
    `CREATE INDEX executions_time ON executions (started_at)`,
    `CREATE INDEX executions_plugin ON executions (plugin_id, started_at)`,
    `CREATE INDEX executions_failed ON executions (status, started_at) WHERE status <> 'ok'`,
    `CREATE TABLE usage_rollups (
      plugin_id TEXT NOT NULL,
      step TEXT NOT NULL CHECK (step IN ('minute', 'hour')),
      t INTEGER NOT NULL,
      calls INTEGER NOT NULL,
      errors INTEGER NOT NULL,
      timeouts INTEGER NOT NULL,
      total_ms REAL NOT NULL,
      max_ms REAL NOT NULL,
      hist TEXT NOT NULL,
      PRIMARY KEY (plugin_id, step, t)
    ) WITHOUT ROWID`,
    `CREATE INDEX usage_rollups_time ON usage_rollups (step, t)`,
    `CREATE TABLE handler_usage (
      plugin_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      last_at INTEGER NOT NULL,
      last_status TEXT NOT NULL,
      last_duration_ms REAL NOT NULL,
      calls INTEGER NOT NULL,
      errors INTEGER NOT NULL,
      PRIMARY KEY (plugin_id, kind, name)
    ) WITHOUT ROWID`,
    `CREATE TABLE metric_rollups (
      plugin_id TEXT NOT NULL,
      name TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('count', 'observe')),
      step TEXT NOT NULL CHECK (step IN ('minute', 'hour')),
      t INTEGER NOT NULL,
      count REAL NOT NULL,
      sum REAL NOT NULL,
      min REAL,
      max REAL,
      PRIMARY KEY (plugin_id, name, step, t)
    ) WITHOUT ROWID`,
    `CREATE INDEX metric_rollups_time ON metric_rollups (step, t)`,
  ],
};
