/** What an installation (a daemon, by its token) may do: review a plugin, flag a plugin. */
import { Hono } from "hono";
import { readJsonObject } from "../api/mod.ts";
import { principalOf, requireKind } from "./auth.ts";
import { deleteReview, flagPlugin, putReview } from "./reviews.ts";
import type { RegistryDeps, RegistryEnv } from "./types.ts";

/** The installation route group. */
export function createInstallationRoutes(deps: RegistryDeps): Hono<RegistryEnv> {
  const { store } = deps;
  const app = new Hono<RegistryEnv>();
  const installation = requireKind("installation");

  app.put("/api/v1/plugins/:id/reviews/mine", installation, async (c) => {
    const body = await readJsonObject(c.req.raw, {
      hint: "{rating: 1-5, title?, body?, version?}",
    });
    const { review, created } = await putReview(
      store,
      c.req.param("id"),
      principalOf(c).subject,
      body,
    );
    return c.json(review, created ? 201 : 200);
  });

  app.delete("/api/v1/plugins/:id/reviews/mine", installation, async (c) => {
    await deleteReview(store, c.req.param("id"), principalOf(c).subject);
    return c.body(null, 204);
  });

  app.post("/api/v1/plugins/:id/flags", installation, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: "{reason, version?}" });
    return c.json(await flagPlugin(store, c.req.param("id"), principalOf(c).subject, body), 201);
  });

  return app;
}
