/** Validation of a mapping entry of `routes:` (`{route, auth, max_body_kb, rate, timeout_ms}`). */
import {
  DEFAULT_PUBLIC_BODY_KB,
  DEFAULT_PUBLIC_RATE,
  LIMIT_CEILINGS,
  LIMIT_FLOORS,
  MAX_PUBLIC_BODY_KB,
} from "./constants.ts";
import { parseRouteRate } from "./route_rate.ts";
import type { RouteDecl } from "./types.ts";
import { at, checkKeys, intInRange, type Problems, typeName } from "./_fields.ts";

const KEYS = ["route", "auth", "max_body_kb", "rate", "timeout_ms"];

/**
 * Validates one mapping entry at `path`; `parse` checks the `route:` string. Returns the
 * declaration with defaults applied, or undefined after reporting problems.
 */
export function validateRouteMapping(
  item: Record<string, unknown>,
  path: string,
  p: Problems,
  parse: (route: unknown, field: string) => Pick<RouteDecl, "method" | "path"> | undefined,
): RouteDecl | undefined {
  const before = p.length;
  checkKeys(item, KEYS, path, p);
  const decl = parse(item.route, at(path, "route"));
  const auth = item.auth ?? "token";
  if (auth !== "token" && auth !== "none") {
    p.push({
      field: at(path, "auth"),
      message: `must be "none" (public: no token) or "token" (the default); got ${typeName(auth)}`,
    });
  }
  const isPublic = auth === "none";
  if (!isPublic) {
    for (const key of ["max_body_kb", "rate"]) {
      if (item[key] !== undefined) {
        p.push({
          field: at(path, key),
          message: "applies to public routes only; add auth: none or remove it",
        });
      }
    }
  }
  const maxBody = item.max_body_kb === undefined
    ? DEFAULT_PUBLIC_BODY_KB
    : intInRange(item.max_body_kb, at(path, "max_body_kb"), p, 1, MAX_PUBLIC_BODY_KB);
  const rate = item.rate ?? DEFAULT_PUBLIC_RATE;
  if (parseRouteRate(rate) === undefined) {
    p.push({
      field: at(path, "rate"),
      message: `must be "<count>/<s|min|hour>" like "60/min" (count 1 to 1000000); got ${
        typeName(rate)
      }`,
    });
  }
  const timeout = item.timeout_ms === undefined ? undefined : intInRange(
    item.timeout_ms,
    at(path, "timeout_ms"),
    p,
    LIMIT_FLOORS.timeout_ms,
    LIMIT_CEILINGS.timeout_ms,
  );
  if (p.length > before || !decl) return undefined;
  return {
    ...decl,
    ...(isPublic
      ? { auth: "none" as const, max_body_kb: maxBody!, rate: String(rate).trim() }
      : {}),
    ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
  };
}
