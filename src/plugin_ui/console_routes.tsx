/**
 * The console routes of plugin UIs (mounted under `/ui/x`, behind the session and CSRF checks):
 * a plugin page, the bridge relay, the drop reports of the parent script, and that script.
 */
import type { Context, Hono } from "hono";
import type { ConsoleEnv, ExtensionTools } from "../console/mod.ts";
import { isPluginId } from "../manifest/mod.ts";
import { bridgeAnswer, bridgeRequest, parseBridgeCall } from "./bridge_relay.ts";
import type { BridgeDrops, DropReason } from "./bridge_drops.ts";
import { pageHref, PluginPageBody } from "./frames.tsx";
import type { FrameTickets } from "./frame_tickets.ts";
import type { UiContributions } from "./ui_contributions.ts";

/** What the routes need. */
export interface UiRouteDeps {
  contributions: UiContributions;
  tickets: FrameTickets;
  drops: BridgeDrops;
  /** The parent script: its hashed path under `/ui/x` and its text. */
  bridge: { path: string; src: string; body: string };
}

const REASONS: readonly DropReason[] = ["malformed", "undeclared", "foreign"];

/** Registers the routes on the console's `/ui/x` sub-app. */
export function registerUiRoutes(
  deps: UiRouteDeps,
): (app: Hono<ConsoleEnv>, tools: ExtensionTools) => void {
  return (app, tools) => {
    app.get("/plugins/:id/pages/:page", async (c) => {
      const plugin = await deps.contributions.get(c.req.param("id"));
      const page = plugin?.pages.find((p) => p.id === c.req.param("page"));
      if (!plugin || !page) {
        const body = (
          <>
            <h1>No such page</h1>
            <p>
              This plugin page is not shown: the plugin may be disabled, not granted, or updated.
            </p>
          </>
        );
        return await tools.page(c, { title: "No such page", status: 404 }, body);
      }
      const ticket = deps.tickets.issue(plugin.id, plugin.version, c.get("session").idHash);
      const body = (
        <PluginPageBody
          plugin={plugin}
          page={page}
          ticket={ticket}
          bridgeSrc={deps.bridge.src}
          drops={deps.drops.total(plugin.id)}
          canWrite={c.get("can").operate}
        />
      );
      return await tools.page(c, { title: page.title, active: pageHref(plugin.id, page.id) }, body);
    });

    app.post("/plugin-ui/bridge/:id", async (c) => {
      const id = c.req.param("id");
      const plugin = await deps.contributions.get(id);
      if (!plugin) return c.json({ error: `plugin "${id}" shows no UI in this console` }, 404);
      const parsed = parseBridgeCall(await c.req.json().catch(() => null), plugin);
      if ("refused" in parsed) {
        deps.drops.count(id, parsed.refused, 1, parsed.detail);
        return c.json({ error: `refused: ${parsed.detail}` }, 403);
      }
      const res = await tools.fetch(c, bridgeRequest(id, parsed.call));
      return c.json(await bridgeAnswer(res));
    });

    app.post("/plugin-ui/dropped", async (c) => {
      await countReported(deps, c);
      return c.body(null, 204);
    });

    app.get(deps.bridge.path.slice("/ui/x".length), () =>
      new Response(deps.bridge.body, {
        headers: {
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "public, max-age=31536000, immutable",
        },
      }));
  };
}

/** Adds the parent script's drop counts (`{counts: {plugin: {reason: n}}}`), bounded. */
async function countReported(deps: UiRouteDeps, c: Context<ConsoleEnv>): Promise<void> {
  const body = await c.req.json().catch(() => null) as { counts?: unknown } | null;
  const counts = body?.counts;
  if (typeof counts !== "object" || counts === null) return;
  const known = new Set((await deps.contributions.list()).map((p) => p.id));
  for (const [plugin, byReason] of Object.entries(counts).slice(0, 100)) {
    if (plugin !== "unknown" && !(isPluginId(plugin) && known.has(plugin))) continue;
    for (const reason of REASONS) {
      const n = (byReason as Record<string, unknown>)?.[reason];
      if (Number.isInteger(n) && (n as number) > 0) {
        deps.drops.count(plugin, reason, Math.min(n as number, 10_000));
      }
    }
  }
}
