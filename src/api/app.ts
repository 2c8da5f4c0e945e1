import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Store } from "../store/mod.ts";
import { authenticate } from "./auth_middleware.ts";
import { createHealthRoutes, type HealthDeps } from "./health_routes.ts";
import { toProblemResponse } from "./error_handler.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

/** Largest accepted request body (SPEC §8). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the API needs from the daemon. */
export interface ApiDeps extends HealthDeps {
  store: Store;
  /** Route groups mounted after authentication, in order. */
  groups?: Hono<ApiEnv>[];
}

/**
 * Builds the Hono app served on both TCP and the Unix socket. The transport is passed by the
 * server as `env.transport`, never read from the request.
 */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HttpError(413, `Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MiB)`);
      },
    }),
  );
  app.route("/", createHealthRoutes(deps));
  app.use("/v1/*", authenticate(deps.store));
  app.use("/metrics", authenticate(deps.store));
  for (const group of deps.groups ?? []) app.route("/", group);
  app.notFound((c) => {
    throw new HttpError(404, `No route ${c.req.method} ${c.req.path}; see GET /v1/openapi.json`);
  });
  app.onError((error) => toProblemResponse(error));
  return app;
}
