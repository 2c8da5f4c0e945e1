/**
 * The Unix socket's request handler. A route that needs none of the API's middleware on the
 * socket (which is trusted: no token, no rate limit, no token-use tracking; its methods are
 * fixed: no 405) may be served straight from here: `POST /v1/events` with one event, the
 * intake's hot path. What the middleware chain does that still applies is done here too, with
 * the same instances: the request metrics (same series), the body limit (by `content-length`),
 * the audit of refusals (same rate), and errors as problem+json (`toProblemResponse`). Anything
 * else, and any request the route does not take (a chunked body, a batch), goes to the Hono app.
 * `POST /v1/tasks/{type}` is served here too (its path ends in one parameter).
 * docs/architecture.md, "Event intake (issue 23, sixth round)".
 */
import type { Hono } from "hono";
import type { HttpRequestRecorder } from "../metrics/mod.ts";
import { toProblemResponse } from "./error_handler.ts";
import type { RefusalAudit } from "./refused_audit.ts";
import type { ApiEnv } from "./types.ts";

/** A route the socket serves without Hono. */
export interface SocketRoute {
  method: string;
  /**
   * The path as Hono's route names it (the metrics' series): exact, or ending in one parameter
   * (`/v1/tasks/:type`), which then takes one non-empty segment with no `%` (an encoded name
   * goes to Hono, which decodes it).
   */
  path: string;
  /** Whether this route answers `request` here (else the Hono app does). */
  takes(request: Request): boolean;
  /** The answer's status and JSON body (`param`: the last segment, if the path has one). */
  answer(
    request: Request,
    query: URLSearchParams,
    param: string,
  ): Promise<{ status: number; body: unknown }>;
}

/** The segment `path` gives `route`'s parameter ("" for an exact path), or null: not its path. */
function matchPath(route: SocketRoute, prefix: string | null, path: string): string | null {
  if (prefix === null) return route.path === path ? "" : null;
  if (path.length <= prefix.length || !path.startsWith(prefix)) return null;
  const param = path.slice(prefix.length);
  return param.includes("/") || param.includes("%") ? null : param;
}

/** `route.path` up to its parameter (`/v1/tasks/`), or null when it has none. */
function paramPrefix(route: SocketRoute): string | null {
  const at = route.path.lastIndexOf("/:");
  return at === -1 ? null : route.path.slice(0, at + 1);
}

/** What the socket's handler shares with the Hono app. */
export interface SocketHandlerDeps {
  app: Hono<ApiEnv>;
  routes: SocketRoute[];
  record: HttpRequestRecorder;
  refusals: RefusalAudit;
  /** Largest request body, bytes. */
  maxBodyBytes: number;
  bodyLimitError: () => never;
}

/** Serves the socket's requests: its own routes first, the Hono app for the rest. */
export function socketHandler(
  deps: SocketHandlerDeps,
): (request: Request, env: ApiEnv["Bindings"]) => Response | Promise<Response> {
  const { app, routes } = deps;
  const prefixes = routes.map(paramPrefix);
  return (request, env) => {
    if (routes.length > 0) {
      const url = request.url;
      const start = url.indexOf("/", url.indexOf(":") + 3);
      const queryAt = url.indexOf("?", start);
      const path = queryAt === -1 ? url.slice(start) : url.slice(start, queryAt);
      for (let i = 0; i < routes.length; i++) {
        const route = routes[i]!;
        if (route.method !== request.method) continue;
        const param = matchPath(route, prefixes[i] ?? null, path);
        if (param !== null && framed(request) && route.takes(request)) {
          const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
          return serve(deps, route, request, query, param, env);
        }
      }
    }
    return app.fetch(request, env);
  };
}

/**
 * A body of declared length (and no `transfer-encoding`), judged by that header alone as the
 * API's body limit does (`body_limit.ts`); other bodies are counted as they stream, by Hono.
 */
function framed(request: Request): boolean {
  const headers = request.headers;
  return headers.has("content-length") && !headers.has("transfer-encoding");
}

async function serve(
  deps: SocketHandlerDeps,
  route: SocketRoute,
  request: Request,
  query: URLSearchParams,
  param: string,
  env: ApiEnv["Bindings"],
): Promise<Response> {
  const started = performance.now();
  let response: Response;
  let error: unknown;
  try {
    // framed(): the server's framing reads exactly this many bytes, nothing to count.
    if (Number(request.headers.get("content-length")) > deps.maxBodyBytes) deps.bodyLimitError();
    const { status, body } = await route.answer(request, query, param);
    response = new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  } catch (thrown) {
    error = thrown;
    response = toProblemResponse(thrown);
  }
  const status = response.status;
  deps.record(request.method, route.path, status, (performance.now() - started) / 1000);
  if (status === 401 || status === 403) {
    deps.refusals.record({
      status,
      reason: (error as Error | undefined)?.message ?? "",
      transport: env.transport,
      remote: env.remote,
      actor: "socket",
      method: request.method,
      path: route.path,
    });
  }
  return response;
}
