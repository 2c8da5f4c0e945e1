/**
 * Which declared route a request path reaches, and its `:name` parameters. The daemon and
 * `@plugd/sdk/testing` both call this, so a route matches the same way in tests and in production.
 */
import type { RouteDecl } from "./types.ts";

/** A matched route and its decoded parameters. */
export interface RouteMatch {
  route: RouteDecl;
  /** `:sha` in `/commits/:sha` → `{ sha: "..." }`, percent-decoded. */
  params: Record<string, string>;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is passed as written
  }
}

function fit(route: RouteDecl, segments: string[]): Record<string, string> | undefined {
  const want = route.path.split("/");
  if (want.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const s = segments[i]!;
    if (w.startsWith(":")) {
      if (s === "") return undefined;
      params[w.slice(1)] = decode(s);
    } else if (w !== s) return undefined;
  }
  return params;
}

/**
 * The route of `routes` that `method` and `path` (the part after the plugin's prefix, starting
 * with `/`, still percent-encoded) reach, or undefined. A `:name` segment matches one non-empty
 * segment; literal segments win over parameters; `HEAD` falls back to a declared `GET`.
 *
 * @example
 * ```ts
 * matchRoute([{ method: "GET", path: "/commits/:sha" }], "GET", "/commits/abc");
 * // { route: { method: "GET", path: "/commits/:sha" }, params: { sha: "abc" } }
 * ```
 */
export function matchRoute(
  routes: readonly RouteDecl[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const segments = path.split("/");
  const find = (m: string): RouteMatch | undefined => {
    let best: RouteMatch | undefined;
    let bestLiterals = -1;
    for (const route of routes) {
      if (route.method !== m) continue;
      const params = fit(route, segments);
      if (!params) continue;
      const literals = segments.length - Object.keys(params).length;
      if (literals > bestLiterals) [best, bestLiterals] = [{ route, params }, literals];
    }
    return best;
  };
  return find(method) ?? (method === "HEAD" ? find("GET") : undefined);
}

/** The handler name of a route declaration, as the SDK keys it: `"POST /notify"`. */
export function routeHandlerName(route: Pick<RouteDecl, "method" | "path">): string {
  return `${route.method} ${route.path}`;
}
