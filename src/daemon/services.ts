import {
  createAddonRoutes,
  createAdvisoryRoutes,
  createCatalogRoutes,
  createExecutionRoutes,
  createFleetRoutes,
  createHookRoutes,
  createKeyRoutes,
  createPluginRoutes,
  createTaskRoutes,
  createTenantRoutes,
  createUpdateRoutes,
  createWebhookRoutes,
  eventSocketRoute,
  taskSocketRoute,
} from "../api/mod.ts";
import { MarketplaceService } from "../marketplace/mod.ts";
import { HookBus, validateCloudEvent } from "../hooks/mod.ts";
import { AddonService } from "../addons/mod.ts";
import { JobRunner } from "../jobs/mod.ts";
import {
  describeIsolation,
  detectPluginRuntime,
  PluginConfigs,
  PluginService,
} from "../plugins/mod.ts";
import { detectSandbox } from "../runtime/mod.ts";
import { TaskService } from "../tasks/mod.ts";
import type { Store } from "../store/mod.ts";
import {
  createWebhookService,
  webhookOutboxStatements,
  type WebhookService,
} from "../webhooks/mod.ts";
import { ConsoleExtensions, LazyConsole } from "../console/mod.ts";
import { FleetEventRefused, type FleetService, loadFleetService } from "../fleet/mod.ts";
import type { DaemonService, ServiceFactory } from "./daemon.ts";
import { createMasterKeyService } from "./master_key_service.ts";
import { ensureBubblewrap } from "./first_run.ts";
import { tracingStatus } from "../tracing/mod.ts";
import { auditExportService } from "./audit_export_service.ts";
import { backupService } from "./backup_service.ts";
import { pluginSurfaceServices } from "./plugin_surfaces.ts";

/**
 * Wires the daemon's services (plugins, hooks, webhooks, ...). Each area contributes a
 * `DaemonService` with its routes; this is the one place that knows them all.
 */
export const daemonServices: ServiceFactory = async ({ config, store, layout, log, streams }) => {
  const { holder: masterKey, service: masterKeyService } = await createMasterKeyService({
    config,
    store,
    log,
  }).catch((error) => {
    // Name where the key file was chosen (flag, environment, file, systemd credential).
    const origin = config.origins?.master_key_file;
    if (origin && error instanceof Error) error.message += ` [master key file: ${origin}]`;
    throw error;
  });
  log(tracingStatus());
  // First run of `deno task start` on a fresh machine: install bubblewrap if we may (dev mode).
  if (config.sandbox === "bwrap") await ensureBubblewrap({ log, mayInstall: config.dev });
  const runtime = await detectPluginRuntime(config, { store });
  const { sandbox, caps } = runtime;
  if (sandbox.mode !== "bwrap") {
    log(
      "WARNING: plugins run WITHOUT the OS sandbox (Deno flags only). Deno's flags alone do not " +
        "contain hostile code; install bubblewrap, or accept this only for development",
    );
  }
  log(describeIsolation(runtime, config));
  // The service and the bus need each other: the service builds the bus in its constructor.
  const plugins = new PluginService<HookBus>(
    { store, config, layout, log, runtime },
    new PluginConfigs(store, masterKey),
    (host) =>
      new HookBus({
        store,
        host,
        log,
        outboxStatements: (event) => webhookOutboxStatements(store, event),
        retry: { maxAttempts: config.delivery.crashRetries + 1 },
        tenants: {
          enforced: () => host.tenants.registry.enforced(),
          require: (id, what) => host.tenants.registry.require(id, what),
        },
      }),
  );
  const hooks = plugins.events;
  // The fleet (NATS JetStream), when nats.url is set: desired state, rollouts, fleet events.
  const fleet: FleetService | null = config.fleet
    ? new (await loadFleetService()).FleetService({
      settings: config.fleet,
      config,
      store,
      plugins,
      workDir: layout.incoming,
      log,
      intake: async (raw) => {
        let event;
        try {
          event = validateCloudEvent(raw);
        } catch (error) {
          throw new FleetEventRefused((error as Error).message);
        }
        await hooks.emit(event);
      },
      tasks: { host: plugins, retryBaseMs: taskRetryBaseMs(), ackWaitMs: fleetTaskAckWaitMs() },
    })
    : null;
  const tasks = new TaskService(store, plugins, {
    log,
    retryBaseMs: taskRetryBaseMs(),
    tenants: {
      enforced: () => plugins.tenants.registry.enforced(),
      require: (id, what) => plugins.tenants.registry.require(id, what),
      runsFor: async (id, tenant) => {
        const tenants = (await plugins.record(id)).tenants;
        return !tenants || tenants.includes(tenant);
      },
    },
  });
  if (fleet) tasks.attachFleet(fleet.tasks);
  // Console extensions (plugin pages and widgets) register before the console is built.
  const extensions = new ConsoleExtensions();
  // System addons (kind: system) share the plugin lifecycle; their operations run as jobs.
  const addons = new AddonService({
    store,
    config,
    layout,
    log,
    runtime,
    plugins,
    checkIntervalMs: config.addonCheckMs,
  });
  plugins.attachSystemAddons(addons);
  const jobs = new JobRunner();
  const services: DaemonService[] = [
    // First, so it stops last: the rows the other services write while stopping are exported.
    ...auditExportService(config, store, log),
    {
      routes: createPluginRoutes(plugins, jobs, layout.incoming, streams),
      start: () => plugins.start(),
      stop: async () => {
        await addons.stop();
        await plugins.stop();
      },
      reload: async () => {
        // bubblewrap installed after start: a reload makes plugins startable without a restart.
        if (sandbox.mode !== "none") return;
        const again = await detectSandbox({ requested: config.sandbox });
        Object.assign(sandbox, again); // the plugin service holds this object
        log(`reload: sandbox ${again.mode} (${again.reason})`);
      },
    },
    // Execution records and usage (recorded by the plugin service, which starts and stops them).
    { routes: createExecutionRoutes({ executions: plugins.executions, plugins }) },
    // After the plugins: redelivery and cron start once plugins run; stops before them.
    {
      routes: createHookRoutes({
        bus: hooks,
        plugins,
        fleetEmit: fleet ? (event) => fleet.publishEvent(event) : null,
      }),
      socketRoutes: [eventSocketRoute({
        bus: hooks,
        fleetEmit: fleet ? (event) => fleet.publishEvent(event) : null,
      })],
      start: () => hooks.start(),
      stop: () => hooks.stop(),
    },
    // Tasks: after the plugins (processors run), stopped before them.
    taskService(tasks),
    // Public routes, plugin commands and console pages of plugins.
    ...await pluginSurfaceServices({ plugins, store, config, layout, extensions }),
    { routes: createAddonRoutes(addons, jobs, streams) },
    { routes: createKeyRoutes({ store }) },
    { routes: createTenantRoutes(plugins) },
    masterKeyService,
    backupService(config, store, layout, runtime.volumes, plugins.db.databases),
    // The marketplace: catalog, advisories (enforced on plugins), updates and auto-update.
    marketplaceService(
      new MarketplaceService({
        store,
        config,
        plugins,
        key: masterKey,
        log,
        emit: (type, data) => hooks.emitSystemEvent(type, data),
      }),
    ),
    // Outgoing webhooks: the outbox relay (started/stopped with the daemon) and its routes.
    webhookService(
      await createWebhookService({
        config,
        store,
        log,
        key: masterKey,
        emitSystemEvent: (type, data) => hooks.emitSystemEvent(type, data),
      }),
      store,
    ),
    // The fleet: converges plugins to the desired state, carries fleet events.
    fleetService(fleet),
    // The web console (/ui on TCP): acts through the API in-process, so it is attached last.
    consoleService(
      new LazyConsole({
        store,
        facts: {
          dev: config.dev,
          sandbox: { mode: sandbox.mode, reason: sandbox.reason },
          capsMechanism: caps.mechanism,
          publicUrl: () => consoleUrl(config.http),
        },
        uploadDir: layout.incoming,
      }, extensions),
    ),
  ];
  return services;
};

function marketplaceService(marketplace: MarketplaceService): DaemonService {
  const routes = createCatalogRoutes(marketplace);
  routes.route("/", createAdvisoryRoutes(marketplace));
  routes.route("/", createUpdateRoutes(marketplace));
  return { routes, start: () => marketplace.start(), stop: () => marketplace.stop() };
}

function fleetService(fleet: FleetService | null): DaemonService {
  return {
    routes: createFleetRoutes(fleet),
    start: () => fleet?.start() ?? Promise.resolve(),
    stop: () => fleet?.stop() ?? Promise.resolve(),
    health: () => fleet?.health() ?? {},
  };
}

function webhookService(webhooks: WebhookService, store: Store): DaemonService {
  return {
    routes: createWebhookRoutes({ store, ...webhooks }),
    start: () => webhooks.start(),
    stop: () => webhooks.stop(),
    reload: (config) => webhooks.reload(config),
  };
}

function consoleService(ui: LazyConsole): DaemonService {
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

function taskService(tasks: TaskService): DaemonService {
  return {
    routes: createTaskRoutes({ tasks }),
    // POST /v1/tasks/{type} on the socket without Hono's middleware (the intake's hot path).
    socketRoutes: [taskSocketRoute({ tasks })],
    start: () => tasks.start(),
    stop: () => tasks.stop(),
  };
}

/** First task retry delay (tuning, environment only): `PLUGD_TASK_RETRY_BASE_MS`, default 1000. */
function taskRetryBaseMs(): number {
  return positiveMs("PLUGD_TASK_RETRY_BASE_MS", 1000);
}

/**
 * How long a fleet host may stay silent on a task before another takes it (tuning, environment
 * only): `PLUGD_FLEET_TASK_ACK_WAIT_MS`, default 30000. Fixed when the type's consumer is created.
 */
function fleetTaskAckWaitMs(): number {
  return positiveMs("PLUGD_FLEET_TASK_ACK_WAIT_MS", 30_000);
}

function positiveMs(name: string, fallback: number): number {
  const text = Deno.env.get(name);
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name} must be a whole number of ms above 0; got "${text}"`);
  }
  return n;
}
