import type { Migration } from "../types.ts";

/**
 * The hook bus: accepted CloudEvents, one delivery row per (event, subscribed plugin, hook),
 * and the operator's per-gate failure policy.
 */
export const migration006: Migration = {
  version: 6,
  name: "events",
  statements: [
    `CREATE TABLE events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      source TEXT NOT NULL,
      envelope TEXT NOT NULL,
      received_at INTEGER NOT NULL
    )`,
    `CREATE INDEX events_received ON events (received_at)`,
    `CREATE TABLE event_deliveries (
      event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      plugin_id TEXT NOT NULL,
      hook TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'error', 'timeout', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      duration_ms REAL,
      result TEXT,
      error TEXT,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (event_id, plugin_id, hook)
    )`,
    `CREATE INDEX event_deliveries_pending ON event_deliveries (next_attempt_at)
      WHERE status = 'pending'`,
    `CREATE TABLE gate_policies (
      name TEXT PRIMARY KEY,
      fail_open INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL
    )`,
  ],
};
