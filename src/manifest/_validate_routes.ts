/** Validation of `routes:`. Private to src/manifest. */
import { MAX_ROUTES, ROUTE_METHODS } from "./constants.ts";
import type { RouteDecl } from "./types.ts";
import { at, expectList, isRecord, type Problems, typeName } from "./_fields.ts";
import { validateRouteMapping } from "./_validate_public_route.ts";

const SEGMENT = /^([A-Za-z0-9_.~-]+|:[A-Za-z_][A-Za-z0-9_]*)$/;
const EXAMPLE = '["POST /notify", { route: "POST /github", auth: none }]';

/** Validates `routes:`; returns the valid entries (public ones with their defaults). */
export function validateRoutes(v: unknown, p: Problems): RouteDecl[] {
  if (v === undefined || v === null) return [];
  if (!expectList(v, "routes", p, EXAMPLE)) return [];
  if (v.length > MAX_ROUTES) {
    p.push({ field: "routes", message: `has ${v.length} entries; the limit is ${MAX_ROUTES}` });
  }
  const out: RouteDecl[] = [];
  const seen = new Map<string, number>();
  v.forEach((item, i) => {
    const path = at("routes", i);
    const decl = isRecord(item)
      ? validateRouteMapping(item, path, p, (route, field) => parseRoute(route, field, p))
      : parseRoute(item, path, p);
    if (!decl) return;
    const key = `${decl.method} ${decl.path}`;
    const first = seen.get(key);
    if (first !== undefined) {
      p.push({
        field: path,
        message: `"${key}" is already declared at routes[${first}]; remove the duplicate`,
      });
      return;
    }
    seen.set(key, i);
    out.push(decl);
  });
  return out;
}

function parseRoute(item: unknown, field: string, p: Problems): RouteDecl | undefined {
  const problem = routeProblem(item);
  if (problem) {
    p.push({ field, message: problem });
    return undefined;
  }
  const [method, path] = (item as string).trim().split(/\s+/) as [RouteDecl["method"], string];
  return { method, path };
}

function routeProblem(item: unknown): string | undefined {
  if (typeof item !== "string") {
    return `must be a string like "POST /notify" or a mapping like ` +
      `{ route: "POST /github", auth: none }; got ${typeName(item)}`;
  }
  const q = JSON.stringify(item);
  const parts = item.trim().split(/\s+/);
  if (parts.length !== 2) return `${q} must be "METHOD /path", like "POST /notify"`;
  const [method, path] = parts as [string, string];
  if (!(ROUTE_METHODS as readonly string[]).includes(method)) {
    return `${q}: method ${JSON.stringify(method)} is not allowed; use one of ${
      ROUTE_METHODS.join(", ")
    } (uppercase)`;
  }
  if (!path.startsWith("/")) return `${q}: the path must start with "/", like "/notify"`;
  if (path.length > 200) return `${q}: the path is longer than 200 characters`;
  if (path === "/") return undefined;
  const segments = path.slice(1).split("/");
  if (segments.slice(0, -1).some((s) => s === "") || path.includes("//")) {
    return `${q}: the path contains "//"; remove the empty segment`;
  }
  const names = new Set<string>();
  for (const s of segments) {
    if (s === "") continue; // a trailing "/"
    if (s === "." || s === "..") {
      return `${q}: "." and ".." segments are not allowed in route paths`;
    }
    if (!SEGMENT.test(s)) {
      return `${q}: segment ${JSON.stringify(s)} may use only A-Z a-z 0-9 _ . ~ - or be a ":param"`;
    }
    if (s.startsWith(":")) {
      if (names.has(s)) return `${q}: the parameter ${s} appears twice; name each one once`;
      names.add(s);
    }
  }
  return undefined;
}
