import type { Migration } from "../types.ts";

/** Each plugin's own uid/gid when the daemon runs as root: stable, never shared. */
export const migration013: Migration = {
  version: 13,
  name: "plugin_uids",
  statements: [
    `CREATE TABLE plugin_uids (
      plugin_id TEXT PRIMARY KEY,
      uid INTEGER NOT NULL UNIQUE,
      allocated_at INTEGER NOT NULL
    )`,
  ],
};
