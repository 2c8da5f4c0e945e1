import assert from "node:assert/strict";
import { Hono } from "hono";
import { registeredRoutes } from "./registered_routes.ts";

Deno.test("registeredRoutes() lists endpoints once, in order, without middleware", () => {
  const app = new Hono();
  app.use("*", async (_c, next) => await next());
  app.get("/v1/tokens", (c) => c.text(""));
  app.post("/v1/tokens", (c) => c.text(""));
  app.get("/v1/tokens", (c) => c.text(""));
  app.delete("/v1/tokens/:id", (c) => c.text(""));
  app.all("/v1/p/:id/routes/*", (c) => c.text(""));
  assert.deepEqual(registeredRoutes(app).map((r) => `${r.method} ${r.path}`), [
    "GET /v1/tokens",
    "POST /v1/tokens",
    "DELETE /v1/tokens/:id",
    "ALL /v1/p/:id/routes/*",
  ]);
});
