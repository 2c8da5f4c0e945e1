import { definePlugin, type PluginContext } from "@plugd/sdk";
import { artifactReport } from "./lib/artifact_report.ts";
import { artifactCommand, gatesCommand, retryCommand, statusCommand } from "./lib/commands.ts";
import { decide, type GateAnswer } from "./lib/gate.ts";
import {
  artifactsOf,
  lanes,
  pipelineById,
  recentDecisions,
  recentPipelines,
} from "./lib/queries.ts";
import { trimOlderThan } from "./lib/retention.ts";
import { retryPipeline } from "./lib/retry.ts";
import type { CiConfig } from "./lib/types.ts";
import { githubWebhook, gitlabWebhook, jenkinsWebhook } from "./lib/webhooks.ts";

type Ctx = PluginContext<CiConfig>;

const bad = (error: string, status = 400) => Response.json({ error }, { status });

/** Keeps the decision for `gates`, and announces an override so that it is on record. */
async function recordDecision(ctx: Ctx, answer: GateAnswer): Promise<void> {
  await ctx.db.execute(
    `INSERT INTO gate_decisions (at, app, repo, sha, allowed, reason, override)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      new Date().toISOString(),
      answer.app,
      answer.repo,
      answer.sha,
      answer.allow ? 1 : 0,
      answer.reason,
      answer.override ? JSON.stringify(answer.override) : null,
    ],
  );
  if (answer.override) {
    await ctx.emit("ci.gate.overridden", {
      app: answer.app,
      repo: answer.repo,
      sha: answer.sha,
      reason: answer.override.reason,
      override: answer.override,
      failing: answer.failing,
    });
    ctx.log.warn(`deployment of ${answer.app}@${answer.sha} let through by an override`, {
      reason: answer.override.reason,
    });
  }
}

/** CI/CD pipelines: webhooks in, a deployment gate, notifications, retries and artifacts. */
export default definePlugin<CiConfig>({
  gates: {
    "deployment.pre_create": async (data, ctx) => {
      const answer = await decide(ctx.db, ctx.config, data);
      await recordDecision(ctx, answer);
      return { allow: answer.allow, reason: answer.reason };
    },
  },
  routes: {
    "POST /github": githubWebhook,
    "POST /gitlab": gitlabWebhook,
    "POST /jenkins": jenkinsWebhook,
    "POST /artifacts/report": artifactReport,
    "GET /pipelines": async (req, ctx) => {
      const params = new URL(req.url).searchParams;
      const repo = params.get("repo");
      const limit = Math.min(Math.max(Number(params.get("limit") ?? 100) || 100, 1), 500);
      return Response.json({
        pipelines: await recentPipelines(ctx.db, repo, limit),
        lanes: await lanes(ctx.db, { repo }),
      });
    },
    "GET /failing": async (_req, ctx) =>
      Response.json({ failing: await lanes(ctx.db, { failingOnly: true }) }),
    "GET /artifacts": async (req, ctx) => {
      const params = new URL(req.url).searchParams;
      const repo = params.get("repo");
      const sha = params.get("sha") ?? "";
      if (!repo || !/^[0-9a-f]{7,64}$/i.test(sha)) {
        return bad("give ?repo=<owner/name>&sha=<7 to 64 hex digits>");
      }
      const artifacts = await artifactsOf(ctx.db, repo, sha);
      return artifacts.length > 0
        ? Response.json({ repo, sha, artifacts })
        : bad(`no artifacts recorded for ${repo}@${sha}`, 404);
    },
    "GET /gates": async (_req, ctx) =>
      Response.json({
        apps: ctx.config.apps ?? {},
        overrides: ctx.config.overrides ?? [],
        unknown_apps: ctx.config.unknown_apps ?? "allow",
        decisions: await recentDecisions(ctx.db, 50),
      }),
    "POST /pipelines/:id/retry": async (_req, ctx) => {
      const pipeline = await pipelineById(ctx.db, Number(ctx.params.id));
      if (!pipeline) return bad(`no pipeline ${ctx.params.id}`, 404);
      try {
        return Response.json(await retryPipeline(ctx.config, pipeline));
      } catch (error) {
        return bad((error as Error).message, 409);
      }
    },
  },
  cron: {
    trim: async (ctx) => {
      const trimmed = await trimOlderThan(ctx.db, ctx.config.retention_days ?? 365);
      ctx.log.info("trimmed old pipelines", { ...trimmed });
    },
  },
  commands: {
    status: statusCommand,
    gates: gatesCommand,
    artifact: artifactCommand,
    retry: retryCommand,
  },
  health: () => ({ status: "healthy" }),
});
