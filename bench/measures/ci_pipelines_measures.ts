/**
 * ci-pipelines (issue 20): the deployment gate's decision with 10,000 stored pipelines, asked of
 * the real plugin under the sandbox with its real database process (the harness, as
 * `@plugd/sdk/testing` does), so each sample is the gate call's round trip: the range query on
 * (repo, sha), the decision and the decision's own row.
 */
import { startPlugin } from "../../src/harness/mod.ts";
import { type MeasureResult, result, summarize, timeEach } from "../lib/stats.ts";

const PLUGIN = new URL("../../plugins/ci-pipelines", import.meta.url).pathname;

/** Options of {@linkcode ciPipelinesMeasures}. */
export interface CiPipelinesMeasureOptions {
  /** Pipelines stored before measuring. */
  pipelines: number;
  /** Repositories they are spread over (one app each). */
  repos: number;
  /** Gate decisions timed. */
  decisions: number;
}

/** The sha the seed statement gives commit `c` of repo `r` (the same printf as its SQL). */
function sha(r: number, c: number): string {
  const [a, b] = [r, c].map((x) => x.toString(16).padStart(8, "0"));
  return `${a}${b}${a}${b}${a}`;
}

/** Gate decision p50 (and p99) over `pipelines` stored runs. */
export async function ciPipelinesMeasures(o: CiPipelinesMeasureOptions): Promise<MeasureResult[]> {
  const apps = Object.fromEntries(
    Array.from(
      { length: o.repos },
      (_, r) => [`app${r}`, { repo: `acme/repo-${r}`, pipelines: ["build", "test"] }],
    ),
  );
  await using p = await startPlugin(PLUGIN, { config: { apps }, caps: false });
  // Two pipelines per commit, spread evenly over the repos; one statement seeds them all.
  const commits = Math.floor(o.pipelines / 2 / o.repos);
  await p.db.execute(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
     INSERT INTO pipelines (provider, external_id, repo, branch, sha, name, status, url, created_at, updated_at)
     SELECT 'github', 'run:' || i, 'acme/repo-' || (i / 2 % ?), 'main',
            printf('%08x%08x%08x%08x%08x', i / 2 % ?, i / 2 / ?, i / 2 % ?, i / 2 / ?, i / 2 % ?),
            CASE i % 2 WHEN 0 THEN 'build' ELSE 'test' END,
            CASE WHEN i % 17 = 0 THEN 'failed' ELSE 'success' END,
            'https://github.com/acme/runs/' || i, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z'
       FROM n`,
    [commits * 2 * o.repos, o.repos, o.repos, o.repos, o.repos, o.repos, o.repos],
  );
  const stored = await p.db.execute("SELECT count(*) AS n FROM pipelines");
  const count = Number((stored.rows[0] as Record<string, unknown>).n);
  // Asked about commits that exist (mixed allow/deny) in a fixed pseudo-random order.
  const ask = (i: number) => {
    const r = (i * 7919) % o.repos;
    const c = (i * 104_729) % commits;
    return p.gate("deployment.pre_create", { app: `app${r}`, sha: sha(r, c) });
  };
  await timeEach(50, ask); // warm-up: JIT, the database process's page cache
  const samples = await timeEach(o.decisions, ask);
  return [result({
    id: "ci_gate_decision",
    name: "ci-pipelines gate decision (deployment.pre_create), round trip",
    unit: "ms",
    ...summarize(samples),
    target: null,
    config: {
      stored_pipelines: count,
      repos: o.repos,
      required_per_app: 2,
      path: "harness → sandboxed plugin → its db process",
    },
  })];
}
