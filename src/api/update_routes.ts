/**
 * `/v1/updates`: what is outdated (with the permission change each update brings), updating
 * several plugins at once, running the scheduled check now; and each plugin's auto-update
 * policy (`PUT /v1/plugins/{id}/auto-update`).
 */
import { Hono } from "hono";
import type { MarketplaceService } from "../marketplace/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

function idList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new HttpError(400, "plugins must be a list of plugin ids");
  }
  return value;
}

/** The update route group. */
export function createUpdateRoutes(marketplace: MarketplaceService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get("/v1/updates", requireScope("reader"), async (c) => {
    const check = await marketplace.updates();
    const all = c.req.query("all") === "true";
    return c.json({ ...check, updates: check.updates.filter((u) => all || u.latest) });
  });

  app.post("/v1/updates", requireScope("operator"), async (c) => {
    const body = await readJsonObject(c.req.raw, {
      optional: true,
      hint: '{plugins?: ["id", ...], to?: "latest" | "wanted"}',
    });
    const to = body.to ?? "latest";
    if (to !== "latest" && to !== "wanted") {
      throw new HttpError(400, 'to must be "latest" or "wanted" (what the policy allows)');
    }
    return c.json(
      await marketplace.applyUpdates({ ids: idList(body.plugins), to, actor: c.get("actor") }),
    );
  });

  app.post("/v1/updates/check", requireScope("operator"), async (c) => {
    const run = await marketplace.checkNow();
    return c.json({
      updates: run.check.updates.filter((u) => u.latest),
      errors: run.check.errors,
      announced: run.announced,
      applied: run.applied,
    });
  });

  app.put("/v1/plugins/:id/auto-update", requireScope("operator"), async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"policy": "off" | "patch" | "minor"}' });
    const policy = body.policy;
    if (policy !== "off" && policy !== "patch" && policy !== "minor") {
      throw new HttpError(400, 'policy must be "off", "patch" (x.y.*) or "minor" (x.*)');
    }
    return c.json(await marketplace.setPolicy(c.req.param("id"), policy, c.get("actor")));
  });

  return app;
}
