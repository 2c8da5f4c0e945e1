import type { Migration } from "../types.ts";

/**
 * The audit chain's head (last seq + hash) in its own one-row table, kept by a trigger in the
 * same transaction as every audit INSERT. A chain alone cannot show that its LAST rows were
 * deleted; comparing the chain's end with this head can (docs/operations.md, "Audit log").
 */
export const migration005: Migration = {
  version: 5,
  name: "audit_head",
  statements: [
    `CREATE TABLE audit_head (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    )`,
    `INSERT INTO audit_head (id, seq, hash)
      SELECT 1, seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
    `CREATE TRIGGER audit_head_follows_insert AFTER INSERT ON audit_log
      BEGIN
        INSERT INTO audit_head (id, seq, hash) VALUES (1, NEW.seq, NEW.hash)
          ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
          WHERE excluded.seq > audit_head.seq;
      END`,
  ],
};
