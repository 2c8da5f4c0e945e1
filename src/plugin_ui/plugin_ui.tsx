/**
 * Plugin pages and widgets in the console, wired together: the frame tickets, the contributions
 * index, the drop counters, the console extension (nav entries, slots, routes, `frame-src`) and the
 * frame-file route group for the daemon's app.
 */
import type { Hono } from "hono";
import type { ApiEnv } from "../api/mod.ts";
import {
  abilities,
  type ConsoleExtensions,
  type NavEntry,
  type SlotContext,
} from "../console/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import bridgeJs from "./assets/bridge.js" with { type: "text" };
import { BridgeDrops } from "./bridge_drops.ts";
import { registerUiRoutes } from "./console_routes.tsx";
import { createFrameRoutes } from "./frame_routes.ts";
import { FrameTickets } from "./frame_tickets.ts";
import { pageHref, PageLinks, WidgetGrid } from "./frames.tsx";
import { UiContributions } from "./ui_contributions.ts";

/** What plugin UIs need from the daemon. */
export interface PluginUiDeps {
  store: Store;
  find(id: string): Promise<PluginRecord | null>;
  /** The installed folder of a plugin version (real absolute path). */
  pluginDir(id: string, version: string): string;
  /** Writes a warning into a plugin's log. */
  log(pluginId: string, msg: string): void;
}

/** Plugin UIs: register on the console, serve the frame files. */
export class PluginUi {
  readonly tickets = new FrameTickets();
  readonly contributions: UiContributions;
  readonly drops: BridgeDrops;
  readonly #deps: PluginUiDeps;
  readonly #bridge: { path: string; src: string; body: string };

  private constructor(deps: PluginUiDeps, bridgePath: string) {
    this.#deps = deps;
    this.contributions = new UiContributions(deps.store);
    this.drops = new BridgeDrops({ log: deps.log });
    this.#bridge = { path: bridgePath, src: bridgePath, body: bridgeJs };
  }

  /** Builds the service (hashes the bridge script for its immutable URL). */
  static async create(deps: PluginUiDeps): Promise<PluginUi> {
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(bridgeJs)),
    );
    const hash = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
    return new PluginUi(deps, `/ui/x/plugin-ui/bridge.${hash}.js`);
  }

  /** Adds nav entries, slots, routes and `frame-src 'self'` to the console. */
  register(extensions: ConsoleExtensions): void {
    extensions.allowFrameSource("'self'");
    extensions.addNavSource(async () =>
      (await this.contributions.list()).flatMap((p) =>
        p.pages.map((page): NavEntry => ({ href: pageHref(p.id, page.id), label: page.title }))
      )
    );
    extensions.addSlot("overview", (ctx) => this.#widgets(ctx, "overview"));
    extensions.addSlot("plugin-detail", async (ctx) => {
      const plugin = ctx.pluginId ? await this.contributions.get(ctx.pluginId) : undefined;
      if (!plugin) return null;
      return (
        <>
          <PageLinks plugin={plugin} />
          {await this.#widgets(ctx, "plugin-detail")}
        </>
      );
    });
    extensions.addRoutes(registerUiRoutes({
      contributions: this.contributions,
      tickets: this.tickets,
      drops: this.drops,
      bridge: this.#bridge,
    }));
  }

  /** The route group serving frame files (`/plugin-ui/...`). */
  routes(): Hono<ApiEnv> {
    return createFrameRoutes({
      tickets: this.tickets,
      find: this.#deps.find,
      pluginDir: this.#deps.pluginDir,
    });
  }

  async #widgets(ctx: SlotContext, slot: "overview" | "plugin-detail") {
    const items = (await this.contributions.list())
      .filter((p) => slot === "overview" || p.id === ctx.pluginId)
      .flatMap((plugin) =>
        plugin.widgets.filter((w) => w.slot === slot).map((widget) => ({
          plugin,
          widget,
          ticket: this.tickets.issue(plugin.id, plugin.version, ctx.session.idHash),
        }))
      );
    const canWrite = abilities(ctx.session.scope).operate;
    return <WidgetGrid items={items} bridgeSrc={this.#bridge.src} canWrite={canWrite} />;
  }
}
