/** The deployment gate: is every required pipeline of the commit green? */
import type { PluginDatabase } from "@plugd/sdk";
import type { CiConfig, Override, PipelineRow } from "./types.ts";

/** One required pipeline that is not green. */
export interface Failing {
  name: string;
  /** Its status, or "missing" when it has not reported for the commit. */
  status: string;
  url: string | null;
  id: number | null;
}

/** The gate's answer with what it was based on. */
export interface GateAnswer {
  allow: boolean;
  reason: string;
  app: string;
  repo: string | null;
  sha: string | null;
  failing: Failing[];
  /** The allow-listed override that let a commit through although it was not green. */
  override: Override | null;
}

/** What a deployer passes to `deployment.pre_create`. */
interface DeployRequest {
  app?: unknown;
  sha?: unknown;
  commit?: unknown;
}

/** Whether `override` covers this app and commit now. */
function covers(override: Override, app: string, sha: string, now: Date): boolean {
  if (override.app !== app) return false;
  if (override.expires_at && !(new Date(override.expires_at) > now)) return false;
  return override.sha === "*" || (override.sha.length >= 7 && sha.startsWith(override.sha));
}

function describe(f: Failing): string {
  const where = f.url ? ` (${f.url})` : "";
  return f.status === "missing" ? `${f.name} has not reported` : `${f.name} ${f.status}${where}`;
}

/** The latest run of each pipeline of the commits of `repo` starting with `sha`. */
export async function latestRuns(
  db: PluginDatabase,
  repo: string,
  sha: string,
): Promise<PipelineRow[]> {
  // A range on the (repo, sha, ...) index: the full sha or an abbreviation of it.
  const { rows } = await db.execute<PipelineRow>(
    `SELECT * FROM pipelines WHERE repo = ? AND sha >= ? AND sha < ?
      ORDER BY name, updated_at DESC, id DESC`,
    [repo, sha, `${sha}~`],
  );
  const latest = new Map<string, PipelineRow>();
  for (const row of rows) if (!latest.has(row.name)) latest.set(row.name, row);
  return [...latest.values()];
}

/** Decides `deployment.pre_create` for `data` under `config`. */
export async function decide(
  db: PluginDatabase,
  config: CiConfig,
  data: unknown,
  now: Date = new Date(),
): Promise<GateAnswer> {
  const req = (data ?? {}) as DeployRequest;
  const app = typeof req.app === "string" ? req.app : "";
  const base = { app, repo: null, sha: null, failing: [], override: null };
  // Own keys only: an app named "constructor" is not a requirement.
  const requirement = app && config.apps && Object.hasOwn(config.apps, app)
    ? config.apps[app]
    : undefined;
  if (!requirement) {
    const allow = (config.unknown_apps ?? "allow") === "allow";
    const reason = app
      ? `no CI requirement is configured for app "${app}"`
      : "data.app names no app";
    return { ...base, allow, reason };
  }
  const repo = requirement.repo;
  const rawSha = req.sha ?? req.commit;
  if (typeof rawSha !== "string" || !/^[0-9a-f]{7,64}$/i.test(rawSha)) {
    return {
      ...base,
      repo,
      allow: false,
      reason: `data.sha (the commit to deploy, at least 7 hex digits) is required for app "${app}"`,
    };
  }
  const sha = rawSha.toLowerCase();
  const runs = await latestRuns(db, repo, sha);
  const shas = new Set(runs.map((r) => r.sha));
  if (shas.size > 1) {
    return {
      ...base,
      repo,
      sha,
      allow: false,
      reason: `${sha} is ambiguous in ${repo}: give more digits`,
    };
  }
  const fullSha = [...shas][0] ?? sha;
  const byName = new Map(runs.map((r) => [r.name, r]));
  const required = requirement.pipelines?.length ? requirement.pipelines : [...byName.keys()];
  const failing: Failing[] = required.map((name): Failing | null => {
    const run = byName.get(name);
    if (!run) return { name, status: "missing", url: null, id: null };
    return run.status === "success" ? null : { name, status: run.status, url: run.url, id: run.id };
  }).filter((f): f is Failing => f !== null);
  const short = `${app}@${fullSha.slice(0, 12)}`;
  if (required.length === 0) {
    failing.push({ name: "any pipeline", status: "missing", url: null, id: null });
  }
  if (failing.length === 0) {
    return {
      ...base,
      repo,
      sha: fullSha,
      allow: true,
      reason: `CI green for ${short}: ${required.join(", ")}`,
    };
  }
  const notGreen = `CI not green for ${short}: ${failing.map(describe).join("; ")}`;
  const override = (config.overrides ?? []).find((o) => covers(o, app, fullSha, now)) ?? null;
  if (override) {
    return {
      ...base,
      repo,
      sha: fullSha,
      failing,
      override,
      allow: true,
      reason: `emergency override: ${override.reason} (${notGreen})`,
    };
  }
  return { ...base, repo, sha: fullSha, failing, allow: false, reason: notGreen };
}
