import type { Migration } from "../types.ts";

/**
 * One row the store rewrites, every 2 s, while writes fail (disk full, I/O error): the first
 * write that succeeds again ends the daemon's `degraded` health (issue 22).
 */
export const migration015: Migration = {
  version: 15,
  name: "store_probe",
  statements: [
    `CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)`,
  ],
};
