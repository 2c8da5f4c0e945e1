import assert from "node:assert/strict";
import { buildOpenApi } from "../../src/api/openapi.ts";
import { registeredRoutes } from "../../src/api/registered_routes.ts";
import { ROUTE_TABLE, toSpecPath } from "../../src/api/route_table.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { buildDaemonApp } from "./_helpers.ts";

Deno.test("every route the daemon registers is in src/api/route_table.ts (and so in the OpenAPI document)", async () => {
  const { app, dispose } = await buildDaemonApp();
  try {
    const registered = registeredRoutes(app).map((r) => ({
      method: r.method,
      path: toSpecPath(r.path),
    }));
    const inTable = new Set(ROUTE_TABLE.map((r) => `${r.method} ${r.path}`));
    const missing = registered.filter((r) => !inTable.has(`${r.method} ${r.path}`));
    assert.deepEqual(
      missing,
      [],
      "Routes registered on the daemon but missing from ROUTE_TABLE in src/api/route_table.ts.\n" +
        "Append one entry per route (set the scope your handler requires and a real summary):\n" +
        missing.map((r) =>
          `  { method: "${r.method}", path: "${r.path}", scope: "reader", tag: "${
            r.path.split("/")[2] ?? "daemon"
          }", summary: "TODO" },`
        ).join("\n"),
    );
    const served = new Set(registered.map((r) => `${r.method} ${r.path}`));
    const stale = ROUTE_TABLE.filter((r) => !served.has(`${r.method} ${r.path}`));
    assert.deepEqual(
      stale.map((r) => `${r.method} ${r.path}`),
      [],
      "ROUTE_TABLE (src/api/route_table.ts) describes routes the daemon does not serve; " +
        "remove them or register the route",
    );
  } finally {
    await dispose();
  }
});

Deno.test("buildOpenApi() describes each table entry with its scope and problem responses", () => {
  const doc = buildOpenApi() as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  assert.equal(doc.openapi, "3.1.0");
  for (const route of ROUTE_TABLE) {
    const op = doc.paths[route.path]?.[route.method === "ALL" ? "get" : route.method.toLowerCase()];
    assert.ok(op, `${route.method} ${route.path} is in the document`);
    assert.equal(op["x-plugd-scope"], route.scope);
    const responses = op.responses as Record<string, unknown>;
    if (route.scope) assert.ok(responses["401"] && responses["403"] && responses["429"]);
    else assert.deepEqual(op.security, []);
  }
});

Deno.test("GET /v1/openapi.json is served without a token", async () => {
  await using daemon = await startDaemon();
  const res = await fetch(`${daemon.baseUrl}/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.paths["/v1/tokens"].post["x-plugd-scope"], "admin");
});
