/**
 * The headers of every file served into a plugin frame. The policy confines the frame even when
 * its document is opened outside the console (a new tab): `sandbox` makes it an opaque origin
 * without popups or top navigation, `connect-src 'none'` leaves it no network, scripts, styles,
 * images and fonts come only from this plugin version's own files (its ticket's folder), forms go
 * nowhere, and only the console may frame it.
 */

/** The sandbox of plugin frames: scripts and forms, and nothing else (no same-origin). */
export const FRAME_SANDBOX = "allow-scripts allow-forms";

/** The Content-Security-Policy of a frame whose files live under `base` (absolute URL, `/`-ended). */
export function frameCsp(base: string): string {
  return [
    "default-src 'none'",
    `script-src ${base}`,
    `style-src ${base}`,
    `img-src ${base} data:`,
    `font-src ${base}`,
    `media-src ${base}`,
    "connect-src 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    `sandbox ${FRAME_SANDBOX}`,
  ].join("; ");
}

/** Response headers of one frame file. */
export function frameHeaders(base: string, contentType: string): Headers {
  return new Headers({
    "content-type": contentType,
    "content-security-policy": frameCsp(base),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    // Module scripts load in CORS mode, and a sandboxed frame's origin is opaque ("null"): its
    // own files must allow that. They are reachable only with the ticket in the path anyway.
    "access-control-allow-origin": "*",
  });
}
