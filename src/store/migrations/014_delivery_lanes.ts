import type { Migration } from "../types.ts";

/**
 * Pending deliveries by plugin in rowid order: the hook bus pages each plugin's backlog from the
 * database through this index instead of holding it in memory (issue 22).
 */
export const migration014: Migration = {
  version: 14,
  name: "delivery_lanes",
  statements: [
    `CREATE INDEX event_deliveries_lane ON event_deliveries (plugin_id)
      WHERE status = 'pending'`,
  ],
};
