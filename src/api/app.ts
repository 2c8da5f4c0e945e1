import { Hono } from "hono";
import type { Store } from "../store/mod.ts";
import {
  createMetricsRoutes,
  httpMetrics,
  httpRequestRecorder,
  metrics,
  type MetricsRegistry,
  registerDaemonMetrics,
} from "../metrics/mod.ts";
import { authenticate, requireScope } from "./auth_middleware.ts";
import { jsonBodyLimit } from "./body_limit.ts";
import { RefusalAudit } from "./refused_audit.ts";
import { socketHandler, type SocketRoute } from "./socket_fast_path.ts";
import { createAuditRoutes } from "./audit_routes.ts";
import { methodNotAllowedProblem } from "./method_not_allowed.ts";
import { createOpenApiRoutes } from "./openapi.ts";
import { parseRateLimit, rateLimit, type RateLimitOptions } from "./rate_limit.ts";
import { trackTokenUse } from "./token_last_used.ts";
import { createTokenRoutes } from "./token_routes.ts";
import { createHealthRoutes, type HealthDeps } from "./health_routes.ts";
import { toProblemResponse } from "./error_handler.ts";
import { HttpError } from "./problem.ts";
import { isPackageUpload } from "./package_upload.ts";
import type { ApiEnv } from "./types.ts";

/** Largest accepted request body (SPEC §8). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the API needs from the daemon. */
export interface ApiDeps extends HealthDeps {
  store: Store;
  /** Route groups mounted after authentication, in order. */
  groups?: Hono<ApiEnv>[];
  /** Per-token rate limit; `null` = off. @default from PLUGD_RATE_LIMIT, else 50/s burst 100 */
  rateLimit?: RateLimitOptions | null;
  /** Registry rendered by `GET /metrics`. @default the daemon's `metrics` */
  metrics?: MetricsRegistry;
  /** Routes the Unix socket serves without Hono's middleware (`socket_fast_path.ts`). */
  socketRoutes?: SocketRoute[];
}

/** The API's two handlers: the Hono app (TCP, in-process calls) and the Unix socket's. */
export interface Api {
  app: Hono<ApiEnv>;
  /** Serves the socket: its `socketRoutes` directly, everything else through `app`. */
  socket: (request: Request, env: ApiEnv["Bindings"]) => Response | Promise<Response>;
}

/**
 * Builds the Hono app served on both TCP and the Unix socket. The transport is passed by the
 * server as `env.transport`, never read from the request.
 */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  return createApi(deps).app;
}

/** Builds the Hono app (as {@linkcode createApp}) and the socket's handler, which share state. */
export function createApi(deps: ApiDeps): Api {
  const app = new Hono<ApiEnv>();
  const registry = deps.metrics ?? metrics;
  registerDaemonMetrics(registry, deps.startedAt);
  app.use("*", httpMetrics(registry));
  // A path served with other methods answers 405 with Allow (HEAD where GET is served).
  app.use("*", methodNotAllowedProblem(app));
  const bodyLimitError = (): never => {
    throw new HttpError(413, `Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MiB)`);
  };
  const jsonLimit = jsonBodyLimit(MAX_BODY_BYTES, bodyLimitError);
  // Package uploads have their own, larger limit, enforced while streaming (package_upload.ts).
  app.use("*", (c, next) => isPackageUpload(c.req.raw) ? next() : jsonLimit(c, next));
  app.route("/", createHealthRoutes(deps));
  app.route("/", createOpenApiRoutes()); // no auth, like health
  const limit = deps.rateLimit === undefined ? rateLimitFromEnv() : deps.rateLimit;
  const audit = new RefusalAudit(deps.store);
  const refusals = audit.middleware();
  for (const path of ["/v1/*", "/metrics"]) {
    app.use(path, refusals);
    app.use(path, authenticate(deps.store));
    if (limit !== null) app.use(path, rateLimit(limit));
    app.use(path, trackTokenUse(deps.store));
  }
  app.use("/metrics", requireScope("reader"));
  app.route("/", createMetricsRoutes(registry));
  app.route("/", createTokenRoutes(deps.store));
  app.route("/", createAuditRoutes(deps.store));
  for (const group of deps.groups ?? []) app.route("/", group);
  app.notFound((c) =>
    toProblemResponse(
      new HttpError(404, `No route ${c.req.method} ${c.req.path}; see GET /v1/openapi.json`),
    )
  );
  app.onError((error) => toProblemResponse(error));
  const socket = socketHandler({
    app,
    routes: deps.socketRoutes ?? [],
    record: httpRequestRecorder(registry),
    refusals: audit,
    maxBodyBytes: MAX_BODY_BYTES,
    bodyLimitError,
  });
  return { app, socket };
}

/** `PLUGD_RATE_LIMIT` (RATE:BURST or off); the defaults when unset or not readable. */
function rateLimitFromEnv(): RateLimitOptions | null {
  let text: string | undefined;
  try {
    text = Deno.env.get("PLUGD_RATE_LIMIT");
  } catch {
    text = undefined; // no --allow-env for it: defaults
  }
  const parsed = parseRateLimit(text);
  return parsed === undefined ? {} : parsed; // null = "off": no limit (`??` would turn it into defaults)
}
