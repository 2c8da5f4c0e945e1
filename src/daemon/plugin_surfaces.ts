/**
 * The surfaces plugins extend beyond hooks: public inbound routes (`/hooks/...`), CLI commands
 * and console pages. Wired here so `services.ts` stays a list.
 */
import { createPublicRoutes } from "../api/mod.ts";
import { NotFoundError, type PluginService } from "../plugins/mod.ts";
import type { DaemonService } from "./daemon.ts";

/** The services of plugin surfaces, given the plugin service. */
export function pluginSurfaceServices(plugins: PluginService): DaemonService[] {
  return [
    {
      routes: createPublicRoutes({
        find: (id) =>
          plugins.record(id).catch((error) => {
            if (error instanceof NotFoundError) return null;
            throw error;
          }),
        plugins,
      }),
    },
  ];
}
