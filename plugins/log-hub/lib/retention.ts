/**
 * Retention: lines older than `days`, then the oldest lines while there are more than
 * `max_lines` or the database uses more than `max_mb`. Deletes go in chunks so the database
 * (one writer) is never held long; what one run leaves, the next run (cron) finishes.
 */
import type { PluginDatabase } from "@plugd/sdk";
import type { LogHubConfig } from "./types.ts";

const CHUNK = 5_000;
const MAX_CHUNKS = 40; // 200,000 lines per run at most

/** What a trim removed. */
export interface TrimReport {
  by_age: number;
  by_size: number;
  remaining: number;
  used_mb: number;
}

async function usedBytes(db: PluginDatabase): Promise<number> {
  const pc = await db.execute<{ page_count: number }>("PRAGMA page_count");
  const fc = await db.execute<{ freelist_count: number }>("PRAGMA freelist_count");
  const ps = await db.execute<{ page_size: number }>("PRAGMA page_size");
  return (Number(pc.rows[0]?.page_count) - Number(fc.rows[0]?.freelist_count)) *
    Number(ps.rows[0]?.page_size);
}

async function bounds(db: PluginDatabase): Promise<{ min: number; max: number; count: number }> {
  const r = await db.execute<{ min: number | null; max: number | null }>(
    "SELECT min(id) AS min, max(id) AS max FROM logs",
  );
  const min = Number(r.rows[0]?.min ?? 0);
  const max = Number(r.rows[0]?.max ?? 0);
  // Ids only grow and deletes take the oldest, so max - min + 1 is the count (up to the few
  // lines an age trim took out of order).
  return { min, max, count: max === 0 ? 0 : max - min + 1 };
}

/** Applies the retention settings at `now`. */
export async function trim(
  db: PluginDatabase,
  cfg: LogHubConfig["retention"],
  now: number,
): Promise<TrimReport> {
  let byAge = 0;
  let bySize = 0;
  let chunks = 0;
  const cutoff = now - cfg.days * 86_400_000;
  while (chunks++ < MAX_CHUNKS) {
    const r = await db.execute(
      `DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < ? LIMIT ${CHUNK})`,
      [cutoff],
    );
    byAge += r.rowsAffected;
    if (r.rowsAffected < CHUNK) break;
  }
  await db.execute("DELETE FROM minute_counts WHERE minute < ?", [Math.floor(cutoff / 60_000)]);
  let { min, count } = await bounds(db);
  const maxBytes = cfg.max_mb * 1024 * 1024;
  const used = await usedBytes(db);
  // How many of the oldest lines to drop, decided once: freed pages show up only as SQLite and
  // FTS5 reuse them, so measuring again after each chunk would drop too much.
  const overLines = cfg.max_lines > 0 ? count - cfg.max_lines : 0;
  const overSize = cfg.max_mb > 0 && used > maxBytes
    ? Math.ceil(count * ((used - maxBytes) / used + 0.01))
    : 0;
  let target = Math.max(overLines, overSize, 0);
  while (target > 0 && count > 0 && chunks++ < MAX_CHUNKS) {
    const drop = Math.min(CHUNK, target);
    const r = await db.execute("DELETE FROM logs WHERE id < ?", [min + drop]);
    bySize += r.rowsAffected;
    target -= drop;
    ({ min, count } = await bounds(db));
  }
  return {
    by_age: byAge,
    by_size: bySize,
    remaining: count,
    used_mb: Math.round(used / 1024 / 102.4) / 10,
  };
}
