/** A plugin's pages: summary, config, logs (+ stream), history, and the activity JSON for charts. */
import type { Context, Hono } from "hono";
import { queryAudit } from "../../audit/mod.ts";
import type { ConsoleKit } from "../kit.ts";
import { PluginConfigPage } from "../pages/plugin_config_page.tsx";
import { PluginHistoryPage } from "../pages/plugin_history_page.tsx";
import { PluginLogsPage } from "../pages/plugin_logs_page.tsx";
import { PluginPage } from "../pages/plugin_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import type { Sessions } from "../sessions.ts";
import type { ConsoleEnv, PluginView } from "../types.ts";
import { type ActivityData, chartColumns, usagePath } from "../ui/activity.tsx";
import type { ExecutionRow } from "../ui/addon_panel.tsx";
import type { LogLineData } from "../ui/log_line.tsx";
import { previousGrant } from "../ui/previous_grant.ts";
import { renderSlots } from "../ui/slots.tsx";
import { logStream } from "./log_stream.ts";

/** Plugin ids as the manifest allows them; anything else is a 404 before any lookup. */
export const PLUGIN_ID = "[a-z0-9][a-z0-9-]{1,62}";

/** The plugin's view, or a 404 page. */
export function loadView(kit: ConsoleKit, c: Context<ConsoleEnv>): Promise<PluginView> {
  return kit.api(c).get<PluginView>(`/v1/plugins/${c.req.param("id")}`);
}

/** Registers the plugin pages. */
export function pluginPageRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit, sessions: Sessions): void {
  const base = `/ui/plugins/:id{${PLUGIN_ID}}`;

  app.get(base, async (c) => {
    const api = kit.api(c);
    const id = c.req.param("id");
    const view = await loadView(kit, c);
    const [flags, activity, previous, executions] = await Promise.all([
      api.get<{ argv: string[]; env: string[] }>(`/v1/plugins/${id}/flags`).catch(() => null),
      api.get<ActivityData>(usagePath(id)),
      view.permissions.granted === null && c.get("can").read
        ? previousGrant(kit.deps.store, id)
        : null,
      view.addon
        ? api.get<{ executions: ExecutionRow[] }>(`/v1/plugins/${id}/executions?limit=10`)
          .then((r) => r.executions)
        : [],
    ]);
    const slots = await renderSlots(kit.extensions, "plugin-detail", {
      api,
      session: c.get("session"),
      pluginId: id,
    });
    return await kit.render(
      c,
      <PluginPage
        ctx={kit.page(c)}
        data={{ view, flags, activity, previousGrant: previous, slots, executions }}
      />,
    );
  });

  app.get(`${base}/activity.json`, async (c) => {
    const activity = await kit.api(c).get<ActivityData>(usagePath(c.req.param("id")));
    return c.json(chartColumns(activity));
  });

  app.get(`${base}/config`, async (c) => {
    const view = await loadView(kit, c);
    const { config } = await kit.api(c).get<{ config: Record<string, unknown> }>(
      `/v1/plugins/${view.id}/config`,
    );
    return await kit.render(
      c,
      <PluginConfigPage ctx={kit.page(c)} data={{ view, values: config }} />,
    );
  });

  app.get(`${base}/logs`, async (c) => {
    const view = await loadView(kit, c);
    const { lines } = await kit.api(c).get<{ lines: LogLineData[] }>(
      `/v1/plugins/${view.id}/logs?limit=200`,
    );
    return await kit.render(c, <PluginLogsPage ctx={kit.page(c)} view={view} lines={lines} />);
  });

  app.get(`${base}/logs/stream`, (c) => {
    const after = Number(c.req.query("after") ?? 0);
    if (!Number.isFinite(after)) throw new ConsoleError(400, "after must be a time in ms");
    return logStream(c, kit, { id: c.req.param("id"), after, sessions });
  });

  app.get(`${base}/history`, async (c) => {
    const view = await loadView(kit, c);
    if (!c.get("can").read) throw new ConsoleError(403, "The history needs the reader scope");
    const rows = await queryAudit(kit.deps.store, {
      target: view.id,
      limit: 200,
      newestFirst: true,
    });
    return await kit.render(c, <PluginHistoryPage ctx={kit.page(c)} view={view} rows={rows} />);
  });
}
