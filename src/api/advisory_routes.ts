/**
 * `/v1/advisories`: what the registries' feeds say and what they affect here (reader), a feed
 * pushed by a registry or an operator (admin; verified exactly like a polled one), a poll now.
 */
import { Hono } from "hono";
import type { MarketplaceService } from "../marketplace/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** The advisory route group. */
export function createAdvisoryRoutes(marketplace: MarketplaceService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get(
    "/v1/advisories",
    requireScope("reader"),
    async (c) => c.json(await marketplace.advisories()),
  );
  app.post("/v1/advisories", requireScope("admin"), async (c) => {
    const doc = await readJsonObject(c.req.raw, {
      hint: "the signed feed {format, key_id, feed, sig}",
    });
    return c.json(await marketplace.acceptPushed(doc));
  });
  app.post(
    "/v1/advisories/check",
    requireScope("operator"),
    async (c) => c.json(await marketplace.pollNow()),
  );
  return app;
}
