/** The three public webhook routes: check the sender, parse, store, announce transitions. */
import {
  type PluginContext,
  verifyGitHubSignature,
  verifyGitLabToken,
  verifyHmacSha256,
} from "@plugd/sdk";
import { parseGitHub } from "./github.ts";
import { parseGitLab } from "./gitlab.ts";
import { parseJenkins } from "./jenkins.ts";
import { recordUpdate } from "./record.ts";
import type { CiConfig, PipelineUpdate } from "./types.ts";

type Ctx = PluginContext<CiConfig>;

const problem = (status: number, error: string) => Response.json({ error }, { status });

/** Verifies, parses and stores one delivery; `parse` throws TypeError on a malformed payload. */
async function accept(
  ctx: Ctx,
  body: Uint8Array,
  parse: (payload: unknown) => PipelineUpdate | null,
): Promise<Response> {
  let update: PipelineUpdate | null;
  try {
    update = parse(JSON.parse(new TextDecoder().decode(body)));
  } catch (error) {
    return problem(400, `not a pipeline notification: ${(error as Error).message}`);
  }
  if (!update) return Response.json({ ignored: true }, { status: 202 });
  const recorded = await recordUpdate(ctx.db, update);
  const p = recorded.pipeline;
  if (recorded.transition) {
    const data = {
      pipeline_id: p.id,
      provider: p.provider,
      repo: p.repo,
      branch: p.branch,
      sha: p.sha,
      name: p.name,
      status: p.status,
      url: p.url,
      ...(recorded.previous
        ? {
          failed: {
            pipeline_id: recorded.previous.id,
            sha: recorded.previous.sha,
            url: recorded.previous.url,
          },
        }
        : {}),
    };
    await ctx.emit(`ci.pipeline.${recorded.transition}`, data);
    ctx.log.info(`${p.repo} ${p.branch ?? ""} ${p.name}: ${recorded.transition}`, { url: p.url });
  }
  return Response.json(
    { pipeline: p.id, status: p.status, stale: recorded.stale, transition: recorded.transition },
    { status: 202 },
  );
}

function refuse(ctx: Ctx, header: string, setting: string, configured: boolean): Response {
  if (!configured) {
    ctx.log.warn(
      `refused a delivery: ${setting} is not set (plugd plugin config ci-pipelines ...)`,
    );
  } else ctx.log.warn(`refused a delivery with a bad or missing ${header}`);
  return problem(401, `bad or missing ${header}`);
}

/** `POST /github`: GitHub `workflow_run` and `check_suite` deliveries (X-Hub-Signature-256). */
export async function githubWebhook(req: Request, ctx: Ctx): Promise<Response> {
  const body = new Uint8Array(await req.arrayBuffer());
  const secret = ctx.config.github?.webhook_secret;
  const signature = req.headers.get("x-hub-signature-256");
  if (!secret || !await verifyGitHubSignature(secret, body, signature)) {
    return refuse(ctx, "X-Hub-Signature-256", "github.webhook_secret", Boolean(secret));
  }
  const event = req.headers.get("x-github-event") ?? "";
  return accept(ctx, body, (payload) => parseGitHub(event, payload));
}

/** `POST /gitlab`: GitLab pipeline events (X-Gitlab-Token). */
export async function gitlabWebhook(req: Request, ctx: Ctx): Promise<Response> {
  const body = new Uint8Array(await req.arrayBuffer());
  const secret = ctx.config.gitlab?.webhook_token;
  if (!secret || !await verifyGitLabToken(secret, req.headers.get("x-gitlab-token"))) {
    return refuse(ctx, "X-Gitlab-Token", "gitlab.webhook_token", Boolean(secret));
  }
  return accept(ctx, body, parseGitLab);
}

/** `POST /jenkins`: a build notification signed with HMAC-SHA256 (X-Jenkins-Signature: sha256=hex). */
export async function jenkinsWebhook(req: Request, ctx: Ctx): Promise<Response> {
  const body = new Uint8Array(await req.arrayBuffer());
  const secret = ctx.config.jenkins?.secret;
  const signature = req.headers.get("x-jenkins-signature");
  if (!secret || !await verifyHmacSha256(secret, body, signature, { prefix: "sha256=" })) {
    return refuse(ctx, "X-Jenkins-Signature", "jenkins.secret", Boolean(secret));
  }
  return accept(ctx, body, parseJenkins);
}
