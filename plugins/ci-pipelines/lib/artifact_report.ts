/**
 * `POST /artifacts/report`: a pipeline step reports the artifacts of a commit itself (GitHub's
 * `workflow_run` carries none), signed like a Jenkins notification but with `artifacts.secret`:
 * `X-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
 *
 * Body: `{"repo": "acme/web", "sha": "<40 or 64 hex>", "pipeline": "CI",
 *         "artifacts": [{"name": "web.tar.gz", "url": "https://…", "digest": "sha256:…"}]}`
 */
import { type PluginContext, verifyHmacSha256 } from "@plugd/sdk";
import type { Artifact, CiConfig } from "./types.ts";

type Ctx = PluginContext<CiConfig>;

/** What a report holds once checked. */
export interface ArtifactReport {
  repo: string;
  sha: string;
  pipeline: string | null;
  artifacts: Artifact[];
}

/** Checks a report's fields; throws a TypeError naming the first bad one. */
export function parseArtifactReport(payload: unknown): ArtifactReport {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (typeof p.repo !== "string" || !/^[\w.-]+(\/[\w.-]+)+$/.test(p.repo)) {
    throw new TypeError('repo must look like "owner/name"');
  }
  if (typeof p.sha !== "string" || !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(p.sha)) {
    throw new TypeError("sha must be the full commit (40 or 64 hex digits)");
  }
  if (p.pipeline !== undefined && typeof p.pipeline !== "string") {
    throw new TypeError("pipeline must be a string");
  }
  if (!Array.isArray(p.artifacts) || p.artifacts.length === 0 || p.artifacts.length > 100) {
    throw new TypeError("artifacts must list 1 to 100 artifacts");
  }
  const artifacts = p.artifacts.map((a: Record<string, unknown>, i: number): Artifact => {
    if (typeof a?.name !== "string" || a.name === "" || a.name.length > 200) {
      throw new TypeError(`artifacts[${i}].name must be 1 to 200 characters`);
    }
    if (typeof a.url !== "string" || !/^https?:\/\/\S+$/.test(a.url) || a.url.length > 2000) {
      throw new TypeError(`artifacts[${i}].url must be an http(s) URL`);
    }
    if (a.digest !== undefined && (typeof a.digest !== "string" || a.digest.length > 200)) {
      throw new TypeError(`artifacts[${i}].digest must be a string such as "sha256:<hex>"`);
    }
    return { name: a.name, url: a.url, digest: (a.digest as string | undefined) ?? null };
  });
  return {
    repo: p.repo,
    sha: p.sha.toLowerCase(),
    pipeline: (p.pipeline as string | undefined) ?? null,
    artifacts,
  };
}

/** The route: verify, parse, store (linked to the named pipeline's latest run of the commit). */
export async function artifactReport(req: Request, ctx: Ctx): Promise<Response> {
  const body = new Uint8Array(await req.arrayBuffer());
  const secret = ctx.config.artifacts?.secret;
  const signature = req.headers.get("x-signature-256");
  if (!secret || !await verifyHmacSha256(secret, body, signature, { prefix: "sha256=" })) {
    if (!secret) ctx.log.warn("refused an artifact report: artifacts.secret is not set");
    return Response.json({ error: "bad or missing X-Signature-256" }, { status: 401 });
  }
  let report: ArtifactReport;
  try {
    report = parseArtifactReport(JSON.parse(new TextDecoder().decode(body)));
  } catch (error) {
    return Response.json({ error: `not an artifact report: ${(error as Error).message}` }, {
      status: 400,
    });
  }
  const now = new Date().toISOString();
  const run = report.pipeline === null ? undefined : (await ctx.db.execute<{ id: number }>(
    `SELECT id FROM pipelines WHERE repo = ? AND sha = ? AND name = ?
      ORDER BY updated_at DESC, id DESC LIMIT 1`,
    [report.repo, report.sha, report.pipeline],
  )).rows[0];
  await ctx.db.batch(report.artifacts.map((a) => ({
    sql: `INSERT INTO artifacts (repo, sha, pipeline_id, name, url, digest, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (repo, sha, name, url) DO UPDATE SET
            digest = coalesce(excluded.digest, digest),
            pipeline_id = coalesce(excluded.pipeline_id, pipeline_id)`,
    args: [report.repo, report.sha, run?.id ?? null, a.name, a.url, a.digest, now],
  })));
  return Response.json({ recorded: report.artifacts.length, pipeline_id: run?.id ?? null }, {
    status: 201,
  });
}
