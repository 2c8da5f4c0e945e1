import type { Migration } from "../types.ts";

/**
 * Lifecycle changes in progress, recorded in the same write batch as their first step, so a
 * restart can finish or undo what a crash interrupted (issue 22): an update switching versions
 * or waiting for a grant of wider permissions, an uninstall removing files.
 */
export const migration018: Migration = {
  version: 18,
  name: "plugin_transitions",
  statements: [
    `CREATE TABLE plugin_transitions (
      plugin_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('update', 'uninstall')),
      phase TEXT NOT NULL CHECK (phase IN ('switching', 'awaiting_grant', 'removing')),
      from_version TEXT NOT NULL,
      to_version TEXT,
      detail TEXT NOT NULL,
      actor TEXT NOT NULL,
      started_at TEXT NOT NULL
    )`,
  ],
};
