import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { MetricsRegistry } from "./registry.ts";

/** Records one answered HTTP request: its method, route pattern, status and duration. */
export type HttpRequestRecorder = (
  method: string,
  route: string,
  status: number,
  seconds: number,
) => void;

/**
 * The request counter and duration histogram of `registry`, for a server path that answers
 * without Hono (the socket's event intake): the same series the middleware writes.
 */
export function httpRequestRecorder(registry: MetricsRegistry): HttpRequestRecorder {
  const requests = registry.counter(
    "plugd_http_requests_total",
    "HTTP requests by method, route and status",
  );
  const duration = registry.histogram(
    "plugd_http_request_duration_seconds",
    "HTTP request duration in seconds, until the response headers",
  );
  return (method, route, status, seconds) => {
    requests.inc({ method, route, status });
    duration.observe({ method, route }, seconds);
  };
}

/**
 * Counts every HTTP request by method, route pattern (not the raw path, so labels stay few)
 * and status, and observes its duration. Unmatched paths are labelled `route="unmatched"`.
 */
// deno-lint-ignore no-explicit-any
export function httpMetrics(registry: MetricsRegistry): MiddlewareHandler<any> {
  const record = httpRequestRecorder(registry);
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const endpoint = matchedRoutes(c).findLast((r) =>
        !(r.method === "ALL" && r.handler.length >= 2)
      );
      record(
        c.req.method,
        endpoint?.path ?? "unmatched",
        c.res.status,
        (performance.now() - start) / 1000,
      );
    }
  };
}
