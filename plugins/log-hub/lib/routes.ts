/** log-hub's HTTP routes: the public NDJSON intake, and what the console page calls. */
import type { PluginContext } from "@plugd/sdk";
import { stats } from "./analytics.ts";
import { hubOf, settings } from "./hub.ts";
import { parseNdjson, presentedToken, tokenMatches } from "./ingest.ts";
import { searchLogs, type SearchResult } from "./search.ts";
import { sinceToMs } from "./time.ts";

const problem = (status: number, detail: string) =>
  Response.json({ error: detail }, { status, headers: { "cache-control": "no-store" } });

/** Keeps an answer under the 1 MiB protocol frame: drops the oldest hits until it fits. */
function fit(result: SearchResult): Response {
  let body = JSON.stringify(result);
  while (body.length > 900_000 && result.hits.length > 1) {
    result.hits = result.hits.slice(0, Math.floor(result.hits.length / 2));
    result.partial = true;
    body = JSON.stringify(result);
  }
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/** `POST /ingest` (public): an NDJSON batch with the ingest token. */
export async function ingestRoute(req: Request, ctx: PluginContext): Promise<Response> {
  const cfg = settings(ctx);
  if (!cfg.ingest_token) {
    return problem(503, "log-hub has no ingest_token: set one with plugd plugin config log-hub");
  }
  if (!await tokenMatches(cfg.ingest_token, presentedToken(req))) {
    return problem(401, "missing or wrong token (Authorization: Bearer <ingest_token>)");
  }
  const hub = hubOf(ctx);
  const body = await req.text();
  const { records, rejected } = parseNdjson(body, cfg.http_parser, hub.rules(), Date.now());
  await hub.writer.add(records);
  ctx.metrics.count("lines.http", records.length);
  return Response.json({ accepted: records.length, rejected }, {
    status: rejected.length && !records.length ? 400 : 200,
  });
}

function window(url: URL): { since?: number; until?: number } {
  const now = Date.now();
  const since = url.searchParams.get("since");
  const until = url.searchParams.get("until");
  return {
    since: since ? sinceToMs(since, now) : undefined,
    until: until ? sinceToMs(until, now) : undefined,
  };
}

/** `GET /search?q=&since=&until=&limit=`. */
export async function searchRoute(req: Request, ctx: PluginContext): Promise<Response> {
  const url = new URL(req.url);
  try {
    return fit(
      await searchLogs(ctx.db, {
        query: url.searchParams.get("q") ?? "",
        ...window(url),
        limit: Number(url.searchParams.get("limit") ?? 100),
      }),
    );
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) return problem(400, e.message);
    throw e;
  }
}

/**
 * `GET /tail?after=ID&q=&wait=S`: lines stored after `after` (oldest first), waiting up to
 * `wait` seconds (at most 20) for the first one: a long poll, which is how the console page
 * follows live (the UI bridge carries request/response pairs, not streams). Without `after`,
 * the newest 50 lines.
 */
export async function tailRoute(req: Request, ctx: PluginContext): Promise<Response> {
  const url = new URL(req.url);
  const query = url.searchParams.get("q") ?? "";
  const afterText = url.searchParams.get("after");
  try {
    if (afterText === null || afterText === "") {
      const r = await searchLogs(ctx.db, { query, limit: 50 });
      r.hits.reverse();
      return fit(r);
    }
    const after = Number(afterText);
    const wait = Math.min(20, Math.max(0, Number(url.searchParams.get("wait") ?? 15))) * 1000;
    const deadline = Date.now() + wait;
    const hub = hubOf(ctx);
    for (;;) {
      const r = await searchLogs(ctx.db, { query, afterId: after, limit: 200 });
      if (r.hits.length > 0 || Date.now() >= deadline) return fit(r);
      await hub.waitForLines(deadline - Date.now());
    }
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) return problem(400, e.message);
    throw e;
  }
}

/** `GET /stats?since=1h&until=`. */
export async function statsRoute(req: Request, ctx: PluginContext): Promise<Response> {
  const url = new URL(req.url);
  try {
    const now = Date.now();
    const w = window(url);
    return Response.json(await stats(ctx.db, w.since ?? now - 3_600_000, w.until ?? now + 60_000));
  } catch (e) {
    if (e instanceof RangeError) return problem(400, e.message);
    throw e;
  }
}
