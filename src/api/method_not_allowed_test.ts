import assert from "node:assert/strict";
import { Hono } from "hono";
import { allowedMethods, registeredRoutes, routePattern } from "./method_not_allowed.ts";

Deno.test("routePattern() matches Hono paths with params and wildcards", () => {
  assert.ok(routePattern("/v1/tokens/:id").test("/v1/tokens/abc"));
  assert.ok(!routePattern("/v1/tokens/:id").test("/v1/tokens/abc/def"));
  assert.ok(routePattern("/v1/plugins/:id/routes/*").test("/v1/plugins/a/routes/x/y"));
  assert.ok(routePattern("/v1/x/:n{[0-9]+}").test("/v1/x/12"));
  assert.ok(!routePattern("/v1/x/:n{[0-9]+}").test("/v1/x/ab"));
  assert.ok(!routePattern("/v1/a.b").test("/v1/aXb"));
  assert.ok(routePattern("/").test("/"));
});

Deno.test("allowedMethods() lists methods at a path, with HEAD for GET; middleware ignored", () => {
  const app = new Hono();
  app.use("*", async (_c, next) => await next());
  app.get("/v1/tokens", (c) => c.text(""));
  app.post("/v1/tokens", (c) => c.text(""));
  app.delete("/v1/tokens/:id", (c) => c.text(""));
  app.all("/v1/p/:id/routes/*", (c) => c.text(""));
  assert.deepEqual(allowedMethods(app, "/v1/tokens"), ["GET", "HEAD", "POST"]);
  assert.deepEqual(allowedMethods(app, "/v1/tokens/x"), ["DELETE"]);
  assert.deepEqual(allowedMethods(app, "/v1/nothing"), []);
  assert.deepEqual(allowedMethods(app, "/v1/p/a/routes/z"), []);
  assert.deepEqual(registeredRoutes(app).map((r) => `${r.method} ${r.path}`), [
    "GET /v1/tokens",
    "POST /v1/tokens",
    "DELETE /v1/tokens/:id",
    "ALL /v1/p/:id/routes/*",
  ]);
});
