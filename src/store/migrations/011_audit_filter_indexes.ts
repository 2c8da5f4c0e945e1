import type { Migration } from "../types.ts";

/** The console's audit page filters by target and by action, newest first, over long logs. */
export const migration011: Migration = {
  version: 11,
  name: "audit_filter_indexes",
  statements: [
    `CREATE INDEX IF NOT EXISTS audit_log_target_seq ON audit_log (target, seq)`,
    `CREATE INDEX IF NOT EXISTS audit_log_action_seq ON audit_log (action, seq)`,
  ],
};
