import { Hono } from "hono";
import { VERSION } from "../version.ts";
import type { ApiEnv } from "./types.ts";

/** Facts the health route reports. */
export interface HealthDeps {
  startedAt: Date;
  /** `running`, or `stopping` while draining. */
  state: () => string;
  /** What is wrong now (e.g. the database's disk is full): health says `degraded`. */
  problems?: () => { component: string; detail: string; since: string }[];
  /** More facts from services (the fleet's `fleet: connected|disconnected`). @default none */
  facts?: () => Record<string, unknown>;
}

/**
 * `GET /v1/health`: liveness and version, no auth. Always 200 while the daemon answers;
 * `status: "degraded"` with `problems` when part of it cannot work (a full disk).
 */
export function createHealthRoutes(deps: HealthDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/v1/health", (c) => {
    const problems = deps.problems?.() ?? [];
    return c.json({
      status: problems.length > 0 ? "degraded" : "ok",
      ...(problems.length > 0 ? { problems } : {}),
      state: deps.state(),
      version: VERSION,
      uptime_s: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      started_at: deps.startedAt.toISOString(),
      ...deps.facts?.(),
    });
  });
  return app;
}
