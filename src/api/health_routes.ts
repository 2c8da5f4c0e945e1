import { Hono } from "hono";
import { VERSION } from "../version.ts";
import type { ApiEnv } from "./types.ts";

/** Facts the health route reports. */
export interface HealthDeps {
  startedAt: Date;
  /** `running`, or `stopping` while draining. */
  state: () => string;
}

/** `GET /v1/health`: liveness and version, no auth. */
export function createHealthRoutes(deps: HealthDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/v1/health", (c) =>
    c.json({
      status: "ok",
      state: deps.state(),
      version: VERSION,
      uptime_s: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      started_at: deps.startedAt.toISOString(),
    }));
  return app;
}
