/**
 * The session cookie: `HttpOnly; SameSite=Strict; Path=/ui`, plus `Secure` (and the `__Secure-`
 * name prefix) when the request arrived over TLS. Path=/ui keeps it away from the API and from
 * plugin routes, which never need it.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Named `__Secure-plugd_session` over TLS. */
const SESSION = "plugd_session";
const LOGIN_CSRF = "plugd_login";

/** Whether the request came over TLS (the listener decides the URL's scheme, not a header). */
export function isTls(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

function base(c: Context) {
  const tls = isTls(c);
  return {
    path: "/ui",
    httpOnly: true,
    sameSite: "Strict" as const,
    secure: tls,
    ...(tls ? { prefix: "secure" as const } : {}),
  };
}

/** The session cookie's value, if any. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION, isTls(c) ? "secure" : undefined);
}

/** Sets the session cookie; it lives in the browser no longer than the session itself. */
export function writeSessionCookie(c: Context, value: string, maxAgeMs: number): void {
  setCookie(c, SESSION, value, { ...base(c), maxAge: Math.floor(maxAgeMs / 1000) });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION, base(c));
}

/** The pre-login CSRF value (double-submit: cookie and form field must match). */
export function readLoginCsrf(c: Context): string | undefined {
  return getCookie(c, LOGIN_CSRF, isTls(c) ? "secure" : undefined);
}

/** Sets the pre-login CSRF cookie for the sign-in form (one hour). */
export function writeLoginCsrf(c: Context, value: string): void {
  setCookie(c, LOGIN_CSRF, value, { ...base(c), maxAge: 3600 });
}
