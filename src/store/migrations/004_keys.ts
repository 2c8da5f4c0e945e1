import type { Migration } from "../types.ts";

/** Trusted package-signing keys and the history of installed package builds (SPEC §12). */
export const migration004: Migration = {
  version: 4,
  name: "keys",
  statements: [
    `CREATE TABLE trusted_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      public_key TEXT NOT NULL,
      allowed_ids TEXT NOT NULL DEFAULT '["*"]',
      expires_at TEXT,
      revoked_at TEXT,
      created_at TEXT NOT NULL
    )`,
    `CREATE TABLE package_history (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL,
      version TEXT NOT NULL,
      build INTEGER NOT NULL,
      signed INTEGER NOT NULL,
      key_id TEXT,
      installed_at TEXT NOT NULL
    )`,
    `CREATE INDEX package_history_id ON package_history (id)`,
  ],
};
