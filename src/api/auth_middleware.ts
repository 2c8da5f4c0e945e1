import type { MiddlewareHandler } from "hono";
import { type Scope, scopeAllows, tokenProblem, verifyTokenCached } from "../auth/mod.ts";
import type { Store } from "../store/mod.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

const REJECTION_DETAIL = {
  malformed: "The bearer token is malformed; tokens look like plugd_<id>_<secret>",
  unknown: 'The bearer token is not known; create one with "plugd token create"',
  revoked: 'The bearer token was revoked; create a new one with "plugd token create"',
  expired: 'The bearer token has expired; create a new one with "plugd token create"',
} as const;

/**
 * Authenticates the caller. The Unix socket is trusted by file permission (like docker.sock)
 * and acts as `admin`; TCP needs `Authorization: Bearer <token>`; the web console's in-process
 * calls carry the signed-in session's principal.
 */
export function authenticate(store: Store): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.env?.transport === "socket") {
      c.set("actor", "socket");
      c.set("scope", "admin");
      return await next();
    }
    if (c.env?.transport === "console") {
      // In-process call from the web console: the session was checked there, and its token
      // (revocation, expiry, scope) re-read for this very request.
      const principal = c.env.principal;
      if (!principal) throw new HttpError(401, "Console call without a principal");
      c.set("actor", principal.actor);
      c.set("scope", principal.scope);
      return await next();
    }
    const header = c.req.header("authorization");
    if (!header) {
      throw new HttpError(
        401,
        'Missing Authorization header; send "Authorization: Bearer <token>"',
        {
          headers: { "www-authenticate": 'Bearer realm="plugd"' },
        },
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const verdict = match
      ? await verifyTokenCached(store, match[1]!)
      : { ok: false as const, reason: "malformed" as const };
    if (!verdict.ok) {
      throw new HttpError(401, REJECTION_DETAIL[verdict.reason], {
        headers: { "www-authenticate": 'Bearer realm="plugd", error="invalid_token"' },
      });
    }
    c.set("actor", `token:${verdict.id}`);
    c.set("scope", verdict.scope);
    await next();
  };
}

/** Requires the caller's scope to allow `required` (403 otherwise). */
export function requireScope(required: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const scope = c.get("scope");
    if (!scope || !scopeAllows(scope, required)) {
      throw new HttpError(
        403,
        `This route needs a token with scope "${required}" (or one that includes it); yours is "${scope}"`,
      );
    }
    await next();
  };
}

/**
 * For streams that outlive their request: why `actor` (`socket` or `token:<id>`) may no longer
 * be served, or null while it may.
 */
export function actorProblem(store: Store): (actor: string) => Promise<string | null> {
  return async (actor) => {
    if (!actor.startsWith("token:")) return null;
    const problem = await tokenProblem(store, actor.slice("token:".length));
    return problem === null ? null : REJECTION_DETAIL[problem];
  };
}
