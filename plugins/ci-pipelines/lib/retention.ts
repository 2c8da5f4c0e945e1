/** The daily trim: runs, artifacts and gate decisions older than `retention_days` are deleted. */
import type { PluginDatabase } from "@plugd/sdk";

/** How many rows each table lost. */
export interface Trimmed {
  pipelines: number;
  artifacts: number;
  decisions: number;
}

/**
 * Deletes what is older than `days` (by last update), except the run each lane points at: a
 * branch's current result stays, however old, so the gate and "failing now" never lose it.
 */
export async function trimOlderThan(
  db: PluginDatabase,
  days: number,
  now: Date = new Date(),
): Promise<Trimmed> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError("retention_days must be >= 1");
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const [artifacts, pipelines, decisions] = await db.batch([
    {
      sql: `DELETE FROM artifacts WHERE created_at < ?
              AND (pipeline_id IS NULL OR pipeline_id NOT IN (SELECT pipeline_id FROM lanes))`,
      args: [cutoff],
    },
    {
      sql: `DELETE FROM pipelines WHERE updated_at < ?
              AND id NOT IN (SELECT pipeline_id FROM lanes)
              AND id NOT IN (SELECT pipeline_id FROM artifacts WHERE pipeline_id IS NOT NULL)`,
      args: [cutoff],
    },
    { sql: "DELETE FROM gate_decisions WHERE at < ?", args: [cutoff] },
  ]);
  return {
    artifacts: artifacts!.rowsAffected,
    pipelines: pipelines!.rowsAffected,
    decisions: decisions!.rowsAffected,
  };
}
