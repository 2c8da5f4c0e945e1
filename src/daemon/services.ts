import { createPluginRoutes } from "../api/plugin_routes.ts";
import { PluginConfigs, PluginService } from "../plugins/mod.ts";
import { detectResourceCaps, detectSandbox } from "../runtime/mod.ts";
import { loadMasterKey } from "../secrets/mod.ts";
import { createCatalogRoutes } from "../registry/mod.ts";
import { createKeyRoutes } from "../signing/mod.ts";
import { createWebhookService } from "../webhooks/mod.ts";
import type { DaemonService, ServiceFactory } from "./daemon.ts";

/**
 * Wires the daemon's services (plugins, hooks, webhooks, ...). Each area contributes a
 * `DaemonService` with its routes; this is the one place that knows them all.
 */
export const daemonServices: ServiceFactory = async ({ config, store, layout, log }) => {
  const masterKey = await loadMasterKey(config.masterKeyFile);
  const sandbox = await detectSandbox({ requested: config.sandbox });
  if (sandbox.mode !== "bwrap") {
    log(
      "WARNING: plugins run WITHOUT the OS sandbox (Deno flags only). Deno's flags alone do not " +
        "contain hostile code; install bubblewrap, or accept this only for development",
    );
  }
  const caps = await detectResourceCaps();
  log(`plugin resource caps: ${caps.mechanism}; sandbox: ${sandbox.mode} (${sandbox.reason})`);
  const events = {
    emitSystemEvent: (_type: string, _data: Record<string, unknown>) => Promise.resolve(),
  };
  const plugins = new PluginService(
    { store, config, layout, events, log },
    { sandbox, caps },
    new PluginConfigs(store, masterKey),
  );
  const services: DaemonService[] = [
    {
      routes: createPluginRoutes(plugins),
      start: () => plugins.start(),
      stop: () => plugins.stop(),
    },
    { routes: createKeyRoutes({ store }) },
    { routes: createCatalogRoutes({ registries: config.registries }) },
    // Outgoing webhooks: routes + the outbox relay (started/stopped with the daemon).
    await createWebhookService({ config, store, log, key: masterKey }),
  ];
  return services;
};
