/** `plugd ci-pipelines status|gates|artifact|retry`: plain text tables for the terminal. */
import type { CommandContext } from "@plugd/sdk";
import { artifactsOf, lanes, pipelineById, recentDecisions, recentPipelines } from "./queries.ts";
import { retryPipeline } from "./retry.ts";
import type { CiConfig } from "./types.ts";

type Ctx = CommandContext<CiConfig>;

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") +
    "\n";
}

const short = (sha: string) => sha.slice(0, 10);

/** `status [repo]`: each branch's pipelines and their last result; with a repo, its recent runs too. */
export async function statusCommand(args: string[], ctx: Ctx): Promise<number> {
  const repo = args[0] ?? null;
  const current = await lanes(ctx.db, { repo });
  const runs = repo ? await recentPipelines(ctx.db, repo, 20) : [];
  if (current.length === 0 && runs.length === 0) {
    ctx.out.write(repo ? `no pipelines recorded for ${repo}\n` : "no pipelines recorded yet\n");
    return repo ? 1 : 0;
  }
  if (current.length > 0) {
    ctx.out.write(table([
      ["REPO", "BRANCH", "PIPELINE", "STATUS", "COMMIT", "ID", "URL"],
      ...current.map((l) => [
        l.repo,
        l.branch || "(tag)",
        l.name,
        l.status,
        short(l.sha),
        String(l.pipeline_id),
        l.url ?? "",
      ]),
    ]));
  }
  if (runs.length > 0) {
    ctx.out.write(`\nrecent runs of ${repo}:\n`);
    ctx.out.write(table([
      ["ID", "PIPELINE", "BRANCH", "COMMIT", "STATUS", "UPDATED", "URL"],
      ...runs.map((p) => [
        String(p.id),
        p.name,
        p.branch ?? "",
        short(p.sha),
        p.status,
        p.updated_at,
        p.url ?? "",
      ]),
    ]));
  }
  return 0;
}

/** `gates`: what each app requires, the overrides on the allow-list, the latest decisions. */
export async function gatesCommand(_args: string[], ctx: Ctx): Promise<number> {
  const apps = Object.entries(ctx.config.apps ?? {});
  ctx.out.write(
    `deployment.pre_create: apps without a requirement are ${
      ctx.config.unknown_apps ?? "allow"
    }ed\n`,
  );
  ctx.out.write(
    apps.length === 0 ? "no app requirements configured (setting apps)\n" : table([
      ["APP", "REPO", "REQUIRED PIPELINES"],
      ...apps.map((
        [app, r],
      ) => [app, r.repo, r.pipelines?.length ? r.pipelines.join(", ") : "(all reported)"]),
    ]),
  );
  const overrides = ctx.config.overrides ?? [];
  if (overrides.length > 0) {
    ctx.out.write("\nemergency overrides:\n");
    ctx.out.write(table([
      ["APP", "COMMIT", "EXPIRES", "REASON"],
      ...overrides.map((o) => [o.app, o.sha, o.expires_at ?? "never", o.reason]),
    ]));
  }
  const decisions = await recentDecisions(ctx.db, 10);
  if (decisions.length > 0) {
    ctx.out.write("\nlatest decisions:\n");
    ctx.out.write(table([
      ["AT", "APP", "COMMIT", "DECISION", "REASON"],
      ...decisions.map((d) => [
        d.at,
        d.app,
        d.sha ? short(d.sha) : "",
        d.allowed ? (d.override ? "override" : "allow") : "deny",
        d.reason,
      ]),
    ]));
  }
  return 0;
}

/** `artifact <repo> <sha>`: the artifacts recorded for a commit (exit 1 when there are none). */
export async function artifactCommand(args: string[], ctx: Ctx): Promise<number> {
  const [repo, sha] = args;
  if (!repo || !sha || !/^[0-9a-f]{7,64}$/i.test(sha)) {
    ctx.out.write("usage: plugd ci-pipelines artifact <repo> <sha> (sha: 7 to 64 hex digits)\n");
    return 2;
  }
  const found = await artifactsOf(ctx.db, repo, sha);
  if (found.length === 0) {
    ctx.out.write(`no artifacts recorded for ${repo}@${sha}\n`);
    return 1;
  }
  ctx.out.write(table([
    ["NAME", "COMMIT", "DIGEST", "URL"],
    ...found.map((a) => [a.name, short(a.sha), a.digest ?? "", a.url]),
  ]));
  return 0;
}

/** `retry <id>`: asks GitHub or GitLab to run a failed pipeline again. */
export async function retryCommand(args: string[], ctx: Ctx): Promise<number> {
  const id = Number(args[0]);
  if (!Number.isSafeInteger(id) || id <= 0) {
    ctx.out.write("usage: plugd ci-pipelines retry <pipeline id> (the ID column of status)\n");
    return 2;
  }
  const pipeline = await pipelineById(ctx.db, id);
  if (!pipeline) {
    ctx.out.write(`no pipeline ${id}: see plugd ci-pipelines status\n`);
    return 1;
  }
  let result;
  try {
    result = await retryPipeline(ctx.config, pipeline, ctx.signal);
  } catch (error) {
    ctx.out.write(`cannot retry: ${(error as Error).message}\n`);
    return 1;
  }
  ctx.log.info(`retried pipeline ${id}`, { url: result.url, status: result.status });
  ctx.out.write(
    `asked ${pipeline.provider} to retry ${pipeline.repo} ${pipeline.name} (${
      short(pipeline.sha)
    }): HTTP ${result.status}\n`,
  );
  return 0;
}
