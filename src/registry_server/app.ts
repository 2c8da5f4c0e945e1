/** The registry server's Hono app: body limits, identification, route groups, problem+json. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  HttpError,
  methodNotAllowedProblem,
  problemResponse,
  toProblemResponse,
} from "../api/mod.ts";
import { VERSION } from "../version.ts";
import { createAdminRoutes } from "./admin_routes.ts";
import { identify } from "./auth.ts";
import { createInstallationRoutes } from "./installation_routes.ts";
import { createPublicRoutes } from "./public_routes.ts";
import { createPublisherRoutes } from "./publisher_routes.ts";
import { registryOpenApi } from "./route_table.ts";
import type { RegistryDeps, RegistryEnv } from "./types.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the registry API app. */
export function createRegistryApp(deps: RegistryDeps): Hono<RegistryEnv> {
  const app = new Hono<RegistryEnv>();
  app.use("*", methodNotAllowedProblem(app));
  const limits = {
    small: bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => tooLarge(MAX_BODY_BYTES) }),
    // Multipart adds a little around the archive; the archive itself is checked while read.
    upload: bodyLimit({
      maxSize: deps.settings.maxPackageBytes + 64 * 1024,
      onError: () => tooLarge(deps.settings.maxPackageBytes),
    }),
  };
  app.use(
    "*",
    (c, next) => (c.req.path === "/api/v1/packages" ? limits.upload : limits.small)(c, next),
  );
  app.use("*", identify(deps.store));
  app.get("/api/v1/openapi.json", (c) => c.json(registryOpenApi(VERSION)));
  app.route("/", createPublicRoutes(deps));
  app.route("/", createPublisherRoutes(deps));
  app.route("/", createInstallationRoutes(deps));
  app.route("/", createAdminRoutes(deps));
  app.notFound((c) =>
    toProblemResponse(
      new HttpError(404, `No route ${c.req.method} ${c.req.path}; see GET /api/v1/openapi.json`),
    )
  );
  app.onError((error) => {
    const response = toProblemResponse(error);
    return response.status === 500
      ? problemResponse(500, "Internal error; see the registry server's log for details")
      : response;
  });
  return app;
}

function tooLarge(max: number): never {
  throw new HttpError(413, `Request bodies here are limited to ${Math.round(max / 1024)} KiB`);
}
