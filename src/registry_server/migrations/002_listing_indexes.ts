import type { Migration } from "../../store/mod.ts";

/** Bit of each permission kind in `permission_mask` (filters compare masks, not text). */
export const KIND_BITS: Record<string, number> = {
  net: 1,
  read: 2,
  write: 4,
  env: 8,
  sys: 16,
  run: 32,
  emit: 64,
};

const maskSql = Object.entries(KIND_BITS)
  .map(([kind, bit]) => `(instr(' ' || permission_kinds || ' ', ' ${kind} ') > 0) * ${bit}`)
  .join(" + ");

/**
 * Browsing without a search text must not scan every plugin: whether a plugin is listed, its
 * rating rank and its permission kinds become columns, with one index per sort order, so a page
 * of the most downloaded (or best rated, newest, by name) plugins reads only that page.
 */
export const registryMigration002: Migration = {
  version: 2,
  name: "listing_indexes",
  statements: [
    "ALTER TABLE plugins ADD COLUMN listed INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE plugins ADD COLUMN rating_score REAL NOT NULL DEFAULT 3.0",
    "ALTER TABLE plugins ADD COLUMN permission_mask INTEGER NOT NULL DEFAULT 0",
    `UPDATE plugins SET
       listed = (latest IS NOT NULL AND banned_at IS NULL AND EXISTS (
         SELECT 1 FROM publishers u WHERE u.name = plugins.publisher AND u.status = 'active')),
       rating_score = (rating_sum + 9.0) / (rating_count + 3),
       permission_mask = ${maskSql}`,
    "DROP INDEX plugins_listed_downloads",
    "DROP INDEX plugins_listed_updated",
    "DROP INDEX plugins_listed_rating",
    "CREATE INDEX plugins_by_downloads ON plugins (listed, downloads DESC, id)",
    "CREATE INDEX plugins_by_rating ON plugins (listed, rating_score DESC, rating_count DESC, id)",
    "CREATE INDEX plugins_by_updated ON plugins (listed, updated_at DESC, id)",
    "CREATE INDEX plugins_by_id ON plugins (listed, id)",
    "CREATE INDEX plugins_by_filters ON plugins (listed, risk_rank, permission_mask)",
  ],
};
