/**
 * CSRF protection for every state change: a per-session token in each form (`_csrf`) or in the
 * `X-CSRF-Token` header (htmx requests), compared in constant time; and, as a second wall, a
 * cross-site `Origin` or `Sec-Fetch-Site` is refused outright. SameSite=Strict on the cookie is
 * the third.
 */
import type { Context } from "hono";
import { constantTimeEqual } from "./_crypto.ts";

/** Form field and header that carry the token. */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Why a change was refused, or null when it may proceed. */
export function csrfProblem(
  c: Context,
  expected: string,
  presented: string | undefined,
): string | null {
  const site = c.req.header("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    return `Cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  // Hosts, not schemes: a proxy that terminates TLS forwards plain HTTP with the same Host.
  const origin = c.req.header("origin");
  if (origin === "null") return "Request from an opaque origin refused";
  if (origin && URL.parse(origin)?.host !== new URL(c.req.url).host) {
    return "Cross-origin request refused (Origin does not match this console)";
  }
  const token = c.req.header(CSRF_HEADER) ?? presented;
  if (!token) return "The form's CSRF token is missing; reload the page and try again";
  if (!constantTimeEqual(token, expected)) {
    return "The form's CSRF token does not match this session; reload the page and try again";
  }
  return null;
}
