/** `GET /ui/plugins`: the list, filtered by state and searched by text. */
import type { Hono } from "hono";
import type { ConsoleKit } from "../kit.ts";
import { matches, PluginsPage } from "../pages/plugins_page.tsx";
import type { ConsoleEnv, PluginSummary } from "../types.ts";

/** Registers the plugins list. */
export function pluginsRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/plugins", async (c) => {
    const state = (c.req.query("state") ?? "").slice(0, 20);
    const q = (c.req.query("q") ?? "").slice(0, 200);
    const { plugins } = await kit.api(c).get<{ plugins: PluginSummary[] }>("/v1/plugins");
    const shown = plugins.filter((p) => matches(p, state, q)).sort((a, b) =>
      a.id.localeCompare(b.id)
    );
    return await kit.render(
      c,
      <PluginsPage ctx={kit.page(c)} plugins={shown} total={plugins.length} state={state} q={q} />,
    );
  });
}
