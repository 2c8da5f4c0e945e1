import { Hono } from "hono";
import type { PluginService } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/**
 * `GET|POST /v1/tenants`, `GET|DELETE /v1/tenants/{id}[?purge=true]`: reading needs `reader`,
 * changes `admin` (they decide what every plugin sees); each change is audited.
 */
export function createTenantRoutes(plugins: PluginService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { registry } = plugins.tenants;
  const reader = requireScope("reader");
  const admin = requireScope("admin");

  app.get("/v1/tenants", reader, async (c) => c.json({ tenants: await registry.list() }));

  app.post("/v1/tenants", admin, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"id": "acme", "name": "ACME Inc."}' });
    const unknown = Object.keys(body).filter((k) => k !== "id" && k !== "name");
    if (unknown.length > 0) {
      throw new HttpError(400, `Unknown field(s) ${unknown.join(", ")}; a tenant is {id, name?}`);
    }
    try {
      const input = { id: body.id, name: body.name };
      return c.json(await plugins.tenants.add(input, c.get("actor")), 201);
    } catch (error) {
      if (error instanceof RangeError) throw new HttpError(400, error.message);
      throw error;
    }
  });

  app.get("/v1/tenants/:id", reader, async (c) => {
    const tenant = await registry.get(c.req.param("id"));
    return c.json({ ...tenant, plugins: await plugins.tenants.pluginsOf(tenant.id) });
  });

  app.delete("/v1/tenants/:id", admin, async (c) => {
    const purge = c.req.query("purge") === "true";
    const { plugins: scoped } = await plugins.tenants.remove(
      c.req.param("id"),
      purge,
      c.get("actor"),
    );
    return c.json({ id: c.req.param("id"), removed: true, purged: purge, plugins: scoped });
  });

  return app;
}
