/** `GET /ui`: the overview. */
import type { Hono } from "hono";
import type { ConsoleKit } from "../kit.ts";
import { OverviewPage } from "../pages/overview_page.tsx";
import type { ThroughputMeter } from "../throughput.ts";
import type { ConsoleEnv, PluginSummary } from "../types.ts";
import { renderSlots } from "../ui/slots.tsx";

/** Plugins whose recent denials the overview lists, at most. */
const DENIAL_SOURCES = 5;

/** Registers the overview. */
export function overviewRoutes(
  app: Hono<ConsoleEnv>,
  kit: ConsoleKit,
  meter: ThroughputMeter,
): void {
  app.get("/ui", async (c) => {
    const api = kit.api(c);
    if (!c.get("can").read) return c.redirect("/ui/events", 303); // an emitter may only emit
    const [health, list, hooks] = await Promise.all([
      api.get<{ version: string; state: string; uptime_s: number }>("/v1/health"),
      api.get<{ plugins: PluginSummary[] }>("/v1/plugins"),
      api.get<{ webhooks: { enabled: boolean; consecutive_failures: number }[] }>("/v1/webhooks"),
    ]);
    const denying = list.plugins.filter((p) => (p.denials ?? 0) > 0)
      .sort((a, b) => (b.denials ?? 0) - (a.denials ?? 0)).slice(0, DENIAL_SOURCES);
    const views = await Promise.all(
      denying.map((p) =>
        api.get<{ stats: { denied?: { recent?: { what: string; when: number }[] } } }>(
          `/v1/plugins/${p.id}`,
        )
          .catch(() => null)
      ),
    );
    const denials = views.flatMap((v, i) =>
      (v?.stats.denied?.recent ?? []).map((d) => ({
        plugin: denying[i]!.id,
        what: d.what,
        when: d.when,
      }))
    ).sort((a, b) => b.when - a.when).slice(0, 10);
    const slots = await renderSlots(kit.extensions, "overview", { api, session: c.get("session") });
    return await kit.render(
      c,
      <OverviewPage
        ctx={kit.page(c)}
        data={{
          health,
          facts: kit.deps.facts,
          plugins: list.plugins,
          denials,
          throughput: meter.rates(),
          webhooks: {
            total: hooks.webhooks.length,
            enabled: hooks.webhooks.filter((w) => w.enabled).length,
            failing: hooks.webhooks.filter((w) => w.consecutive_failures > 0).length,
          },
          slots,
        }}
      />,
    );
  });
}
