import type { Migration } from "../types.ts";

/**
 * Tasks (issue 15): units of work handed to the one plugin that processes their type, persisted
 * before they are acknowledged, retried with backoff, each attempt kept in `attempt_log`.
 */
export const migration020: Migration = {
  version: 20,
  name: "tasks",
  statements: [
    `CREATE TABLE tasks (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      plugin_id TEXT,
      tenant TEXT,
      status TEXT NOT NULL
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead')),
      priority INTEGER NOT NULL DEFAULT 0,
      idempotency_key TEXT,
      input TEXT NOT NULL,
      result TEXT,
      error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      attempt_log TEXT NOT NULL DEFAULT '[]',
      progress REAL,
      progress_message TEXT,
      actor TEXT,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      next_attempt_at INTEGER NOT NULL DEFAULT 0
    )`,
    `CREATE UNIQUE INDEX tasks_idempotency ON tasks (type, idempotency_key)
      WHERE idempotency_key IS NOT NULL`,
    `CREATE INDEX tasks_due ON tasks (type, priority DESC, created_at) WHERE status = 'queued'`,
    `CREATE INDEX tasks_running ON tasks (type) WHERE status = 'running'`,
    `CREATE INDEX tasks_created ON tasks (created_at)`,
    `CREATE INDEX tasks_type_created ON tasks (type, created_at)`,
  ],
};
