import { createHookRoutes } from "../api/hook_routes.ts";
import { createPluginRoutes } from "../api/plugin_routes.ts";
import { HookBus } from "../hooks/mod.ts";
import { PluginConfigs, PluginService } from "../plugins/mod.ts";
import { detectResourceCaps, detectSandbox } from "../runtime/mod.ts";
import { createCatalogRoutes } from "../registry/mod.ts";
import { createKeyRoutes } from "../signing/mod.ts";
import { createWebhookService, webhookOutboxStatements } from "../webhooks/mod.ts";
import { WebConsole } from "../console/mod.ts";
import type { DaemonService, ServiceFactory } from "./daemon.ts";
import { createMasterKeyService } from "./master_key_service.ts";
import { auditExportService } from "./audit_export_service.ts";

/**
 * Wires the daemon's services (plugins, hooks, webhooks, ...). Each area contributes a
 * `DaemonService` with its routes; this is the one place that knows them all.
 */
export const daemonServices: ServiceFactory = async ({ config, store, layout, log }) => {
  const { holder: masterKey, service: masterKeyService } = await createMasterKeyService({
    config,
    store,
    log,
  });
  const sandbox = await detectSandbox({ requested: config.sandbox });
  if (sandbox.mode !== "bwrap") {
    log(
      "WARNING: plugins run WITHOUT the OS sandbox (Deno flags only). Deno's flags alone do not " +
        "contain hostile code; install bubblewrap, or accept this only for development",
    );
  }
  const caps = await detectResourceCaps();
  log(`plugin resource caps: ${caps.mechanism}; sandbox: ${sandbox.mode} (${sandbox.reason})`);
  // The PluginService needs a system-event sink before the hook bus (which needs the service)
  // exists: bind late. Events before the bind are only logged.
  let bus: HookBus | null = null;
  const events = {
    emitSystemEvent: (type: string, data: Record<string, unknown>): Promise<void> =>
      bus ? bus.emitSystemEvent(type, data) : Promise.resolve(log(`event ${type} before bus`)),
  };
  const plugins = new PluginService(
    { store, config, layout, events, log },
    { sandbox, caps },
    new PluginConfigs(store, masterKey),
  );
  const hooks = new HookBus({
    store,
    host: plugins,
    log,
    outboxStatements: (event) => webhookOutboxStatements(store, event),
  });
  bus = hooks;
  plugins.attachBus(hooks);
  plugins.attachCronStatus((id) => hooks.cronStatus(id));
  const services: DaemonService[] = [
    // First, so it stops last: the rows the other services write while stopping are exported.
    ...auditExportService(config, store, log),
    {
      routes: createPluginRoutes(plugins),
      start: () => plugins.start(),
      stop: () => plugins.stop(),
    },
    // After the plugins: redelivery and cron start once plugins run; stops before them.
    {
      routes: createHookRoutes({ bus: hooks, plugins }),
      start: () => hooks.start(),
      stop: () => hooks.stop(),
    },
    { routes: createKeyRoutes({ store }) },
    masterKeyService,
    {
      routes: createCatalogRoutes({
        registries: config.registries,
        timeoutMs: config.registryTimeoutMs,
      }),
    },
    // Outgoing webhooks: routes + the outbox relay (started/stopped with the daemon).
    await createWebhookService({
      config,
      store,
      log,
      key: masterKey,
      emitSystemEvent: (type, data) => hooks.emitSystemEvent(type, data),
    }),
    // The web console (/ui on TCP): acts through the API in-process, so it is attached last.
    consoleService(
      await WebConsole.create({
        store,
        facts: {
          dev: config.dev,
          sandbox: { mode: sandbox.mode, reason: sandbox.reason },
          capsMechanism: caps.mechanism,
          publicUrl: () => consoleUrl(config.http),
        },
        uploadDir: layout.incoming,
      }),
    ),
  ];
  return services;
};

function consoleService(ui: WebConsole): DaemonService {
  return {
    routes: ui.routes(),
    attachApi: (fetch) => ui.attachApi(fetch),
    start: () => ui.start(),
    stop: () => ui.stop(),
  };
}

/** Where `plugd ui` links point: the TCP listener (a wildcard bind is reached on loopback). */
function consoleUrl(http: { hostname: string; port: number } | null): string | null {
  if (!http) return null;
  const host = http.hostname === "0.0.0.0" || http.hostname === ""
    ? "127.0.0.1"
    : http.hostname === "::"
    ? "[::1]"
    : http.hostname.includes(":")
    ? `[${http.hostname}]`
    : http.hostname;
  return `http://${host}:${http.port}`;
}
