import type { MiddlewareHandler } from "hono";
import type { ConsoleEnv } from "./types.ts";

/**
 * The console's Content-Security-Policy: scripts, styles and connections only from the daemon
 * itself; no inline script or style, no eval, no plugins, no framing, forms post only here.
 * Plugin pages (a later extension) get their own, stricter policy inside sandboxed frames.
 */
const BASE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
];

/** The policy, with `frame-src` for extension frame sources (none by default). */
export function consoleCsp(frameSources: readonly string[] = []): string {
  const frames = frameSources.length ? [`frame-src ${frameSources.join(" ")}`] : [];
  return [...BASE_CSP, ...frames].join("; ");
}

const HEADERS: Record<string, string> = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/**
 * Sets the security headers on every console response (pages, fragments, streams, assets and
 * errors alike) and `Cache-Control: no-store` unless the response chose its own (hashed assets
 * are immutable; pages may show a secret once and must never be cached).
 */
export function securityHeaders(
  frameSources: () => readonly string[],
): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set("content-security-policy", consoleCsp(frameSources()));
    for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  };
}
