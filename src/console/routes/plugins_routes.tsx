/** `GET /ui/plugins`: the list, filtered by state, searched by text, 50 rows a page. */
import type { Hono } from "hono";
import type { ConsoleKit } from "../kit.ts";
import { matches, PluginsPage } from "../pages/plugins_page.tsx";
import type { ConsoleEnv, PluginSummary } from "../types.ts";

/** Rows per page of the list. */
const PAGE_SIZE = 50;

/** Registers the plugins list. */
export function pluginsRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/plugins", async (c) => {
    const state = (c.req.query("state") ?? "").slice(0, 20);
    const q = (c.req.query("q") ?? "").slice(0, 200);
    const { plugins } = await kit.api(c).get<{ plugins: PluginSummary[] }>("/v1/plugins");
    const matching = plugins.filter((p) => matches(p, state, q)).sort((a, b) =>
      a.id.localeCompare(b.id)
    );
    const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number(c.req.query("page")) || 1));
    const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    return await kit.render(
      c,
      <PluginsPage
        ctx={kit.page(c)}
        plugins={shown}
        list={{ total: plugins.length, matching: matching.length, page, pages }}
        state={state}
        q={q}
      />,
    );
  });
}
