/** `GET /v1/catalog?q=&category=`: plugins available in the configured registries. */
import { Hono } from "hono";
import { searchCatalog } from "../registry/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import type { ApiEnv } from "./types.ts";

/** The catalog route group (reader scope). */
export function createCatalogRoutes(
  deps: { registries: readonly string[]; timeoutMs?: number },
): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/v1/catalog", requireScope("reader"), async (c) => {
    const result = await searchCatalog(deps.registries, {
      q: c.req.query("q") || undefined,
      category: c.req.query("category") || undefined,
    }, { timeoutMs: deps.timeoutMs });
    return c.json(result);
  });
  return app;
}
