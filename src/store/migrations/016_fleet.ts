import type { Migration } from "../types.ts";

/**
 * The fleet on this host (issue 19): which plugins the fleet's desired state manages here (so
 * removal from the desired state removes only those) with what it last converged them to, and
 * fleet events accepted while NATS was unreachable, published when it returns.
 */
export const migration016: Migration = {
  version: 16,
  name: "fleet",
  statements: [
    `CREATE TABLE fleet_managed (
      plugin_id TEXT PRIMARY KEY,
      digest TEXT NOT NULL,
      config_hash TEXT NOT NULL,
      version TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE fleet_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      event TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
  ],
};
