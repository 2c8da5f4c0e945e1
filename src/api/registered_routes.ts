/** The endpoints an app serves (for the OpenAPI and auth-matrix checks). */
import type { Hono } from "hono";
import type { RouterRoute } from "hono/types";

/** A route with a handler (middleware left out), as registered on the app. */
export interface RegisteredRoute {
  /** `GET`, `POST`, ... or `ALL` (e.g. a plugin's own routes). */
  method: string;
  /** Hono path pattern, e.g. `/v1/tokens/:id`. */
  path: string;
}

/** Whether a registered entry is middleware (`app.use`: method ALL, `(c, next)`). */
export function isMiddleware(route: Pick<RouterRoute, "method" | "handler">): boolean {
  return route.method === "ALL" && route.handler.length >= 2;
}

/** The app's endpoints, middleware excluded, each method + path once, in registration order. */
// deno-lint-ignore no-explicit-any
export function registeredRoutes(app: Hono<any>): RegisteredRoute[] {
  const seen = new Set<string>();
  const out: RegisteredRoute[] = [];
  for (const route of app.routes) {
    if (isMiddleware(route)) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: route.method, path: route.path });
  }
  return out;
}
