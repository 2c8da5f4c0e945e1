import type { Migration } from "../types.ts";

/**
 * Fleet tasks accepted on this host (issue 19 item 4): stored here before `POST /v1/tasks/{type}`
 * answers, published to the fleet's work queue now or when NATS returns, then deleted.
 */
export const migration021: Migration = {
  version: 21,
  name: "fleet_tasks",
  statements: [
    `CREATE TABLE fleet_task_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      task_id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      idempotency_key TEXT,
      view TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    "CREATE INDEX fleet_task_outbox_key ON fleet_task_outbox (type, idempotency_key)",
  ],
};
