/**
 * Public routes: `/hooks/{plugin}/{path}` serves the routes a plugin declares with `auth: none`,
 * without a token, only while the plugin is enabled. Outside `/v1`, so a reverse proxy can expose
 * this prefix alone. Per route: rate limit (429 + Retry-After) before anything is read, body limit
 * (413 before the plugin is called), timeout. Unknown plugin, disabled plugin and undeclared route
 * all answer the same 404, so the internet cannot list what is installed.
 */
import { Hono } from "hono";
import { isPluginId, matchRoute, parseRouteRate, routeHandlerName } from "../manifest/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import { callPluginRoute, type RouteInvoker } from "./plugin_route_call.ts";
import { HttpError } from "./problem.ts";
import { PublicRouteLimiter } from "./public_route_limiter.ts";
import type { ApiEnv } from "./types.ts";

/** The prefix public routes are served under. */
export const PUBLIC_ROUTE_PREFIX = "/hooks";

/** What the public routes need. */
export interface PublicRouteDeps {
  /** The plugin's record, or null when it is not installed. */
  find(id: string): Promise<PluginRecord | null>;
  plugins: RouteInvoker;
  /** @default a fresh limiter */
  limiter?: PublicRouteLimiter;
}

const NOT_HERE =
  "No public route here; public routes are served only while their plugin is enabled";

/** The `/hooks/*` group (mounted before authentication: these routes take no token). */
export function createPublicRoutes(deps: PublicRouteDeps): Hono<ApiEnv> {
  const limiter = deps.limiter ?? new PublicRouteLimiter();
  const app = new Hono<ApiEnv>();
  const serve = async (c: { req: { raw: Request; param(name: "id"): string } }) => {
    const id = c.req.param("id");
    const record = isPluginId(id) ? await deps.find(id) : null;
    if (!record || record.state !== "enabled") throw new HttpError(404, NOT_HERE);
    const pathname = new URL(c.req.raw.url).pathname;
    const path = pathname.slice(PUBLIC_ROUTE_PREFIX.length + 1 + id.length) || "/";
    const open = record.manifest.routes.filter((r) => r.auth === "none");
    const match = matchRoute(open, c.req.raw.method, path);
    if (!match) throw new HttpError(404, NOT_HERE);
    const rate = parseRouteRate(match.route.rate);
    const wait = rate ? limiter.take(`${id} ${routeHandlerName(match.route)}`, rate) : 0;
    if (wait > 0) {
      throw new HttpError(
        429,
        `This route accepts ${match.route.rate}; retry after ${wait} s`,
        { headers: { "retry-after": String(wait) } },
      );
    }
    return await callPluginRoute(deps.plugins, record, match, c.req.raw, path);
  };
  app.all(`${PUBLIC_ROUTE_PREFIX}/:id`, serve);
  app.all(`${PUBLIC_ROUTE_PREFIX}/:id/*`, serve);
  return app;
}
