/**
 * `/v1/catalog...`: search every configured registry, one plugin's detail (with what is
 * installed here), and this installation's reviews and flags sent to a registry server.
 */
import { type Context, Hono } from "hono";
import type { MarketplaceService } from "../marketplace/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

const QUERY_KEYS = [
  "q",
  "category",
  "permission",
  "without",
  "max_risk",
  "sort",
  "featured",
  "limit",
  "offset",
] as const;

/** The catalog route group. */
export function createCatalogRoutes(marketplace: MarketplaceService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get("/v1/catalog", requireScope("reader"), async (c) => {
    const query: Record<string, string> = {};
    for (const key of QUERY_KEYS) {
      const value = c.req.query(key);
      if (value) query[key] = value;
    }
    return c.json(await marketplace.search(query));
  });

  app.get(
    "/v1/catalog/:id",
    requireScope("reader"),
    async (c) =>
      c.json(await marketplace.detail(c.req.param("id"), c.req.query("registry") || undefined)),
  );

  const send = (action: "review" | "flag") => async (c: Context<ApiEnv>) => {
    const body = await readJsonObject(c.req.raw, {
      hint: action === "review" ? "{rating: 1-5, title?, body?, registry?}" : "{reason, version?}",
    });
    return c.json(await marketplace.send(action, c.req.param("id")!, body));
  };
  app.put("/v1/catalog/:id/review", requireScope("operator"), send("review"));
  app.post("/v1/catalog/:id/flag", requireScope("operator"), send("flag"));

  return app;
}
