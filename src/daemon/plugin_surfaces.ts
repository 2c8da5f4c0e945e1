/**
 * The surfaces plugins extend beyond hooks: public inbound routes (`/hooks/...`), CLI commands
 * and console pages and widgets. Wired here so `services.ts` stays a list.
 */
import { createCommandRoutes, createPublicRoutes } from "../api/mod.ts";
import { appendAudit } from "../audit/mod.ts";
import type { Config, StateLayout } from "../config/mod.ts";
import type { ConsoleExtensions } from "../console/mod.ts";
import { PluginUi } from "../plugin_ui/mod.ts";
import { findPlugin, listPlugins, pluginPaths, type PluginService } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import type { DaemonService } from "./daemon.ts";

/** What the plugin surfaces are built from. */
export interface SurfaceDeps {
  plugins: PluginService;
  store: Store;
  config: Config;
  layout: StateLayout;
  /** The console's extensions (plugin UIs register their pages, slots and routes there). */
  extensions: ConsoleExtensions;
}

/** The services of plugin surfaces. */
export async function pluginSurfaceServices(deps: SurfaceDeps): Promise<DaemonService[]> {
  const { plugins, store, config, layout } = deps;
  const find = (id: string) => findPlugin(store, id);
  const ui = await PluginUi.create({
    store,
    find,
    pluginDir: (id, version) => pluginPaths(layout, config, id, version).pluginDir,
    log: (id, msg) =>
      plugins.logs.push(id, { ts: Date.now(), stream: "system", level: "warn", msg }),
  });
  ui.register(deps.extensions);
  return [
    { routes: createPublicRoutes({ find, plugins }) },
    {
      routes: createCommandRoutes({
        plugins,
        records: () => listPlugins(store),
        audit: (entry) => appendAudit(store, entry),
      }),
    },
    { routes: ui.routes() },
  ];
}
