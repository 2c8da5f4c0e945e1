/** Stores one pipeline update and tells whether its branch just failed or recovered. */
import type { PluginDatabase, SqlTransaction } from "@plugd/sdk";
import { FINISHED, type PipelineRow, type PipelineUpdate } from "./types.ts";

/** What storing an update changed. */
export interface Recorded {
  pipeline: PipelineRow;
  /** The pipeline's branch went from green (or nothing) to failed, or from failed to green. */
  transition: "failed" | "recovered" | null;
  /** A stale delivery (an older attempt, or a late "in progress" after the end): nothing stored. */
  stale: boolean;
  /** The previous run of this pipeline on this branch when it recovered (for the event). */
  previous: PipelineRow | null;
}

async function one<Row = PipelineRow>(
  tx: SqlTransaction,
  sql: string,
  args: (string | number | null)[],
): Promise<Row | null> {
  return (await tx.execute<Row>(sql, args)).rows[0] ?? null;
}

/** Whether `update` is older news than what is stored (e.g. deliveries out of order). */
function isStale(stored: PipelineRow, update: PipelineUpdate): boolean {
  if (update.attempt < stored.attempt) return true;
  // A GitHub run counts its re-runs, so a non-final status of the same attempt after its final
  // one arrived late. GitLab and check suites reuse the id for a retry: always take them.
  return update.attempt === stored.attempt && update.externalId.startsWith("run:") &&
    FINISHED.has(stored.status) && !FINISHED.has(update.status);
}

/** Upserts the run, its artifacts and its branch's lane, atomically. */
export function recordUpdate(
  db: PluginDatabase,
  update: PipelineUpdate,
  now: string = new Date().toISOString(),
): Promise<Recorded> {
  update = { ...update, sha: update.sha.toLowerCase() };
  return db.transaction(async (tx) => {
    const key = [update.provider, update.repo, update.externalId];
    const stored = await one(
      tx,
      "SELECT * FROM pipelines WHERE provider = ? AND repo = ? AND external_id = ?",
      key,
    );
    if (stored && isStale(stored, update)) {
      return { pipeline: stored, transition: null, stale: true, previous: null };
    }
    const pipeline = (await one(
      tx,
      `INSERT INTO pipelines (provider, external_id, repo, branch, sha, name, status, attempt, url,
                              retry_ref, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (provider, repo, external_id) DO UPDATE SET
         branch = excluded.branch, sha = excluded.sha, name = excluded.name,
         status = excluded.status, attempt = excluded.attempt,
         url = coalesce(excluded.url, pipelines.url),
         retry_ref = coalesce(excluded.retry_ref, pipelines.retry_ref),
         updated_at = excluded.updated_at
       RETURNING *`,
      [
        update.provider,
        update.externalId,
        update.repo,
        update.branch,
        update.sha,
        update.name,
        update.status,
        update.attempt,
        update.url,
        update.retryRef ? JSON.stringify(update.retryRef) : null,
        now,
        now,
      ],
    ))!;
    for (const a of update.artifacts) {
      await tx.execute(
        `INSERT INTO artifacts (repo, sha, pipeline_id, name, url, digest, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, sha, name, url) DO UPDATE SET digest = coalesce(excluded.digest, digest)`,
        [update.repo, update.sha, pipeline.id, a.name, a.url, a.digest, now],
      );
    }
    if (update.status !== "success" && update.status !== "failed") {
      return { pipeline, transition: null, stale: false, previous: null };
    }
    // Lanes follow branches; a tag pipeline (no branch) is its own lane "".
    const lane = [update.repo, update.branch ?? "", update.name];
    const before = await one<PipelineRow & { lane_status: string }>(
      tx,
      `SELECT l.status AS lane_status, p.* FROM lanes l JOIN pipelines p ON p.id = l.pipeline_id
        WHERE l.repo = ? AND l.branch = ? AND l.name = ?`,
      lane,
    );
    await tx.execute(
      `INSERT INTO lanes (repo, branch, name, status, pipeline_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo, branch, name) DO UPDATE SET
         status = excluded.status, pipeline_id = excluded.pipeline_id, updated_at = excluded.updated_at`,
      [...lane, update.status, pipeline.id, now],
    );
    const wasFailed = before?.lane_status === "failed";
    const transition = update.status === "failed"
      ? (wasFailed ? null : "failed")
      : (wasFailed ? "recovered" : null);
    return {
      pipeline,
      transition,
      stale: false,
      previous: wasFailed && before ? withoutLane(before) : null,
    };
  });
}

function withoutLane(row: PipelineRow & { lane_status: string }): PipelineRow {
  const { lane_status: _, ...pipeline } = row;
  return pipeline;
}
