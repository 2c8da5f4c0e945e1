/**
 * The JSON API's request body limit. A body that declares its `content-length` (and no
 * `transfer-encoding`) is judged by that header alone, without touching `request.body`: the
 * server's framing never reads more than the declared length. In Deno's server, reading
 * `request.body` builds a ReadableStream that the handler's `arrayBuffer()` must then go through
 * (~6 µs more CPU per request than its direct path; Hono's `bodyLimit` reads it first on every
 * request). Any other body (chunked, or HTTP/2 without a length) is counted as it streams, by
 * Hono's `bodyLimit`.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiEnv } from "./types.ts";

/** Refuses bodies over `maxBytes` with `onError` (which throws or answers). */
export function jsonBodyLimit(
  maxBytes: number,
  onError: () => never,
): MiddlewareHandler<ApiEnv> {
  const streamed = bodyLimit({ maxSize: maxBytes, onError });
  return (c, next) => {
    const headers = c.req.raw.headers;
    const length = headers.get("content-length");
    if (length !== null && !headers.has("transfer-encoding")) {
      // The server's framing reads exactly this many bytes: nothing to count.
      if (Number(length) > maxBytes) onError();
      return next();
    }
    return streamed(c, next);
  };
}
