import type { Migration } from "../types.ts";

/**
 * Web console sessions (each bound to the token it signed in with, so revoking the token ends
 * them) and the one-time login codes `plugd ui` prints. Only hashes of the cookie and the code
 * are stored.
 */
export const migration009: Migration = {
  version: 9,
  name: "console_sessions",
  statements: [
    `CREATE TABLE console_sessions (
      id_hash TEXT PRIMARY KEY,
      token_id TEXT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
      csrf TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      owns_token INTEGER NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX console_sessions_token ON console_sessions (token_id)`,
    `CREATE INDEX console_sessions_expiry ON console_sessions (expires_at)`,
    `CREATE TABLE console_login_codes (
      code_hash TEXT PRIMARY KEY,
      created_by TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    )`,
  ],
};
