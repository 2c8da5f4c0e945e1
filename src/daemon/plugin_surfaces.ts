/**
 * The surfaces plugins extend beyond hooks: public inbound routes (`/hooks/...`), CLI commands
 * and console pages. Wired here so `services.ts` stays a list.
 */
import { createCommandRoutes, createPublicRoutes } from "../api/mod.ts";
import { appendAudit } from "../audit/mod.ts";
import { findPlugin, listPlugins, type PluginService } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import type { DaemonService } from "./daemon.ts";

/** The services of plugin surfaces, given the plugin service. */
export function pluginSurfaceServices(plugins: PluginService, store: Store): DaemonService[] {
  return [
    { routes: createPublicRoutes({ find: (id) => findPlugin(store, id), plugins }) },
    {
      routes: createCommandRoutes({
        plugins,
        records: () => listPlugins(store),
        audit: (entry) => appendAudit(store, entry),
      }),
    },
  ];
}
