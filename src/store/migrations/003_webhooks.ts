import type { Migration } from "../types.ts";

/** Outgoing webhooks: endpoints, the delivery outbox, and one row per delivery attempt. */
export const migration003: Migration = {
  version: 3,
  name: "webhooks",
  statements: [
    `CREATE TABLE webhooks (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      url TEXT NOT NULL,
      event_types TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      timeout_ms INTEGER NOT NULL,
      secret_enc TEXT NOT NULL,
      previous_secret_enc TEXT,
      rotated_at TEXT,
      consecutive_failures INTEGER NOT NULL DEFAULT 0,
      disabled_reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_status_code INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
    `CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at)`,
    `CREATE TABLE webhook_attempts (
      delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      started_at TEXT NOT NULL,
      duration_ms INTEGER NOT NULL,
      status_code INTEGER,
      response_body TEXT,
      error TEXT,
      PRIMARY KEY (delivery_id, attempt)
    )`,
  ],
};
