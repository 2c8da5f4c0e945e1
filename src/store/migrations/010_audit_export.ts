import type { Migration } from "../types.ts";

/**
 * How far each audit export target got (the last exported seq), so an export resumes after a
 * restart without gaps.
 */
export const migration010: Migration = {
  version: 10,
  name: "audit_export",
  statements: [
    `CREATE TABLE audit_export_cursor (
      target TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  ],
};
