import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { MetricsRegistry } from "./registry.ts";

/**
 * Counts every HTTP request by method, route pattern (not the raw path, so labels stay few)
 * and status, and observes its duration. Unmatched paths are labelled `route="unmatched"`.
 */
// deno-lint-ignore no-explicit-any
export function httpMetrics(registry: MetricsRegistry): MiddlewareHandler<any> {
  const requests = registry.counter(
    "plugd_http_requests_total",
    "HTTP requests by method, route and status",
  );
  const duration = registry.histogram(
    "plugd_http_request_duration_seconds",
    "HTTP request duration in seconds, until the response headers",
  );
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const endpoint = matchedRoutes(c).findLast((r) =>
        !(r.method === "ALL" && r.handler.length >= 2)
      );
      const route = endpoint?.path ?? "unmatched";
      const method = c.req.method;
      requests.inc({ method, route, status: c.res.status });
      duration.observe({ method, route }, (performance.now() - start) / 1000);
    }
  };
}
