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

/** Compiles a Hono path (`/a/:id`, `/a/:id{[0-9]+}`, `/a/*`) into an anchored RegExp. */
export function routePattern(path: string): RegExp {
  let source = "";
  for (const part of path.split("/").slice(1)) {
    const param = /^:[A-Za-z0-9_]+(?:\{(.+)\})?(\?)?$/.exec(part);
    if (param) {
      source += param[2] ? `(?:/(?:${param[1] ?? "[^/]+"}))?` : `/(?:${param[1] ?? "[^/]+"})`;
    } else if (part === "*") source += "(?:/.*)?";
    else source += "/" + part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source || "/"}/?$`);
}

/**
 * The methods the app serves at `path` (for a 405's `Allow`), with HEAD where GET is served
 * (Hono answers HEAD from the GET handler). Empty when nothing is registered at `path`.
 */
// deno-lint-ignore no-explicit-any
export function allowedMethods(app: Hono<any>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of registeredRoutes(app)) {
    if (routePattern(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has("ALL")) return [];
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
