/** Read-side queries: recent runs, lanes failing now, artifacts of a commit, gate history. */
import type { PluginDatabase } from "@plugd/sdk";
import type { PipelineRow } from "./types.ts";

/** A branch's last finished status of one pipeline, with that run. */
export interface LaneRow {
  repo: string;
  branch: string;
  name: string;
  status: string;
  pipeline_id: number;
  sha: string;
  url: string | null;
  updated_at: string;
  /** 1 when its run can be retried through the provider's API (GitHub, GitLab), else 0. */
  retryable: number;
}

/** A stored artifact. */
export interface ArtifactRow {
  name: string;
  url: string;
  digest: string | null;
  sha: string;
  pipeline_id: number | null;
  created_at: string;
}

/** A recorded gate decision. */
export interface DecisionRow {
  at: string;
  app: string;
  repo: string | null;
  sha: string | null;
  allowed: number;
  reason: string;
  override: string | null;
}

/** The newest runs, of one repo or of all, newest first. */
export async function recentPipelines(
  db: PluginDatabase,
  repo: string | null,
  limit = 50,
): Promise<PipelineRow[]> {
  const { rows } = repo
    ? await db.execute<PipelineRow>(
      "SELECT * FROM pipelines WHERE repo = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
      [repo, limit],
    )
    : await db.execute<PipelineRow>(
      "SELECT * FROM pipelines ORDER BY updated_at DESC, id DESC LIMIT ?",
      [limit],
    );
  return rows;
}

/** One run by its id. */
export async function pipelineById(db: PluginDatabase, id: number): Promise<PipelineRow | null> {
  const { rows } = await db.execute<PipelineRow>("SELECT * FROM pipelines WHERE id = ?", [id]);
  return rows[0] ?? null;
}

/** Every lane (repo, branch, pipeline) with its last finished status; failing ones only if asked. */
export async function lanes(
  db: PluginDatabase,
  options: { repo?: string | null; failingOnly?: boolean } = {},
): Promise<LaneRow[]> {
  const where: string[] = [];
  const args: string[] = [];
  if (options.repo) (where.push("l.repo = ?"), args.push(options.repo));
  if (options.failingOnly) where.push("l.status = 'failed'");
  const { rows } = await db.execute<LaneRow>(
    `SELECT l.repo, l.branch, l.name, l.status, l.pipeline_id, p.sha, p.url, l.updated_at,
            (p.retry_ref IS NOT NULL) AS retryable
       FROM lanes l JOIN pipelines p ON p.id = l.pipeline_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY l.repo, l.branch, l.name LIMIT 500`,
    args,
  );
  return rows;
}

/** The artifacts of the commits of `repo` starting with `sha` (7+ hex digits). */
export async function artifactsOf(
  db: PluginDatabase,
  repo: string,
  sha: string,
): Promise<ArtifactRow[]> {
  const { rows } = await db.execute<ArtifactRow>(
    `SELECT name, url, digest, sha, pipeline_id, created_at FROM artifacts
      WHERE repo = ? AND sha >= ? AND sha < ? ORDER BY name, id LIMIT 200`,
    [repo, sha.toLowerCase(), `${sha.toLowerCase()}~`],
  );
  return rows;
}

/** The newest gate decisions, newest first. */
export async function recentDecisions(db: PluginDatabase, limit = 20): Promise<DecisionRow[]> {
  const { rows } = await db.execute<DecisionRow>(
    "SELECT at, app, repo, sha, allowed, reason, override FROM gate_decisions ORDER BY id DESC LIMIT ?",
    [limit],
  );
  return rows;
}
