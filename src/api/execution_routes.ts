/** `/v1/executions` and `/v1/plugins/{id}/usage`: what ran in plugins, and how much. */
import { Hono } from "hono";
import {
  EXECUTION_KINDS,
  EXECUTION_STATUSES,
  type ExecutionRecorder,
  MAX_POINTS,
  type Step,
} from "../executions/mod.ts";
import type { PluginService } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { optionalEnum, optionalTime, pageLimit, refusalsAs400 } from "./query_params.ts";
import type { ApiEnv } from "./types.ts";

/** What the execution routes need. */
export interface ExecutionRouteDeps {
  executions: ExecutionRecorder;
  plugins: Pick<PluginService, "record">;
}

/** Default span of a usage query per step. */
const DEFAULT_SPAN: Record<Step, number> = { minute: 3_600_000, hour: 7 * 86_400_000 };

/** The routes (reader scope). */
export function createExecutionRoutes(deps: ExecutionRouteDeps): Hono<ApiEnv> {
  const { executions, plugins } = deps;
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");

  app.get("/v1/executions", reader, async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    return c.json(
      await refusalsAs400(() =>
        executions.list({
          plugin: q("plugin"),
          kind: optionalEnum(q("kind"), "kind", EXECUTION_KINDS),
          status: optionalEnum(q("status"), "status", EXECUTION_STATUSES),
          tenant: q("tenant"),
          eventId: q("event"),
          taskId: q("task"),
          since: optionalTime(q("since"), "since"),
          until: optionalTime(q("until"), "until"),
          cursor: q("cursor"),
          limit: pageLimit(q("limit")),
        })
      ),
    );
  });

  app.get("/v1/executions/:id", reader, async (c) => {
    const id = Number(c.req.param("id"));
    const record = Number.isSafeInteger(id) && id > 0 ? await executions.get(id) : null;
    if (!record) {
      throw new HttpError(
        404,
        `No execution record ${c.req.param("id")}; records are kept ` +
          `${executions.retention.days} days (executions.retention_days)`,
      );
    }
    return c.json(record);
  });

  app.get("/v1/plugins/:id/usage", reader, async (c) => {
    const id = c.req.param("id");
    await plugins.record(id); // 404 for unknown plugins
    const step = optionalEnum(c.req.query("step"), "step", ["minute", "hour"] as const) ??
      "minute";
    const until = optionalTime(c.req.query("until"), "until") ?? Date.now();
    const since = optionalTime(c.req.query("since"), "since") ?? until - DEFAULT_SPAN[step];
    if (since >= until) throw new HttpError(400, "since must be before until");
    return c.json(
      await refusalsAs400(
        () => executions.usageOf(id, { since, until, step }),
        ` (at most ${MAX_POINTS} points)`,
      ),
    );
  });

  return app;
}
