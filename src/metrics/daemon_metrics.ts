import { Hono } from "hono";
import { VERSION } from "../version.ts";
import type { MetricsRegistry } from "./registry.ts";

/** Registers `plugd_build_info{version}` and `plugd_uptime_seconds` (refreshed per scrape). */
export function registerDaemonMetrics(registry: MetricsRegistry, startedAt: Date): void {
  registry.gauge("plugd_build_info", "Build information; always 1").set({ version: VERSION }, 1);
  const uptime = registry.gauge("plugd_uptime_seconds", "Seconds since the daemon started");
  registry.onCollect(() => uptime.set({}, (Date.now() - startedAt.getTime()) / 1000));
}

/**
 * `GET /metrics` in the Prometheus text format. Authentication and the scope check are the
 * caller's middleware (SPEC: reader scope), added before this group.
 */
// deno-lint-ignore no-explicit-any
export function createMetricsRoutes(registry: MetricsRegistry): Hono<any> {
  const app = new Hono();
  app.get(
    "/metrics",
    async (c) =>
      c.body(await registry.collectAndRender(), 200, {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      }),
  );
  return app;
}
