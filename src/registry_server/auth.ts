/** Authentication and role checks of the registry server's routes. */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";
import { verifyPrincipalToken } from "./tokens.ts";
import type { Principal, PrincipalKind, RegistryEnv } from "./types.ts";

/**
 * Reads `Authorization: Bearer plugr_…` when present and sets `principal`; a present but bad
 * token is 401 (never silently anonymous). Routes then require a kind with {@link requireKind}.
 */
export function identify(store: Store): MiddlewareHandler<RegistryEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match ? await verifyPrincipalToken(store, match[1]!) : null;
      if (!principal) {
        throw new HttpError(
          401,
          "The bearer token is malformed, unknown or revoked; registry tokens look like " +
            "plugr_<id>_<secret> (ask the registry's admin for one)",
          { headers: { "www-authenticate": 'Bearer realm="plugd-registry"' } },
        );
      }
      c.set("principal", principal);
    }
    await next();
  };
}

const article = (kind: string) => (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`);

/** Requires a caller of one of `kinds` (401 without a token, 403 with another kind). */
export function requireKind(...kinds: PrincipalKind[]): MiddlewareHandler<RegistryEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) {
      throw new HttpError(
        401,
        `This route needs ${
          article(kinds.join(" or "))
        } token: send "Authorization: Bearer plugr_…"`,
        { headers: { "www-authenticate": 'Bearer realm="plugd-registry"' } },
      );
    }
    if (!kinds.includes(principal.kind)) {
      throw new HttpError(
        403,
        `This route needs ${article(kinds.join(" or "))} token; yours is ${
          article(principal.kind)
        } token`,
      );
    }
    await next();
  };
}

/** The caller (set by {@link requireKind}). */
export function principalOf(c: { get(key: "principal"): Principal | undefined }): Principal {
  const principal = c.get("principal");
  if (!principal) throw new HttpError(401, "This route needs a token");
  return principal;
}

/** The audit actor of a principal: `admin:<token>`, `publisher:<name>`, `installation:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === "admin"
    ? `admin:token:${principal.tokenId}`
    : `${principal.kind}:${principal.subject}`;
}
