import type { Migration } from "../types.ts";

/**
 * Drops `event_deliveries_pending` (pending deliveries by `next_attempt_at`): no query reads
 * through it since the lanes page each plugin's backlog through `event_deliveries_lane` (migration
 * 14), which also serves the pending count per plugin. Every accepted event with a subscriber
 * inserted an entry into it and its outcome deleted that entry again: one b-tree write each, and
 * one page per commit (docs/performance.md, "Event intake (issue 23, eighth round)").
 */
export const migration023: Migration = {
  version: 23,
  name: "delivery_pending_index",
  statements: [`DROP INDEX IF EXISTS event_deliveries_pending`],
};
