import type { Migration } from "../types.ts";

/**
 * Which master key seals this database's secrets: a canary sealed under it (opens only with
 * that key) and its public key id. Start-up refuses a wrong key, and a master-key rotation
 * interrupted at any point is finished or undone by comparing the canary with the key files.
 */
export const migration008: Migration = {
  version: 8,
  name: "master_key_check",
  statements: [
    `CREATE TABLE master_key_check (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      key_id TEXT NOT NULL,
      canary TEXT NOT NULL,
      rotated_at TEXT
    )`,
  ],
};
