/** `GET /ui/tenants`: the tenants and the plugins that run for each (read-only). */
import type { Hono } from "hono";
import type { ConsoleKit } from "../kit.ts";
import { TenantsPage, type TenantView } from "../pages/tenants_page.tsx";
import type { ConsoleEnv } from "../types.ts";

/** Registers the tenants page. */
export function tenantsRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/tenants", async (c) => {
    const api = kit.api(c);
    const { tenants } = await api.get<{ tenants: { id: string }[] }>("/v1/tenants");
    const views = await Promise.all(
      tenants.map((t) => api.get<TenantView>(`/v1/tenants/${encodeURIComponent(t.id)}`)),
    );
    return await kit.render(c, <TenantsPage ctx={kit.page(c)} tenants={views} />);
  });
}
