import type { Permissions } from "../manifest/mod.ts";
import type { CallKind, Supervisor } from "../runtime/mod.ts";
import { installPlugin, type InstallResult, type InstallSource } from "./install_plugin.ts";
import { LogRings } from "./log_ring.ts";
import type { PluginContext } from "./plugin_context.ts";
import { getPlugin, listPluginsIn } from "./repository.ts";
import { recordFailure, verifyInstalled } from "./plugin_state.ts";
import { callLifecycle } from "./lifecycle_hooks.ts";
import { resolveSource, type SourceOptions } from "./resolve_source.ts";
import { PluginStorage } from "./storage.ts";
import { createPluginDbAccess, type PluginDbAccess } from "./plugin_db_access.ts";
import type { PluginEventSink } from "./host_calls.ts";
import type { PluginRecord, SystemEventSink } from "./types.ts";
import type { PluginConfigs } from "./plugin_configs.ts";
import { updatePlugin } from "./update_plugin.ts";
import { DevReloader } from "./dev_reloader.ts";
import { createPluginSupervisor } from "./plugin_supervisor.ts";
import { collectPluginMetrics } from "./plugin_metrics.ts";
import { type CallOptions, invokeRecorded, recordOwnCall } from "./plugin_calls.ts";
import { ExecutionRecorder } from "../executions/mod.ts";
import { reloadFromSource } from "./reload_plugin.ts";
import { EmitPolicy } from "./emit_policy.ts";
import { RuntimeStates } from "./runtime_states.ts";
import { RecordWatch } from "./record_watch.ts";
import type { SystemAddonHooks } from "./system_addons.ts";
import { PluginStarter } from "./plugin_starter.ts";
import { PluginLocks } from "./plugin_locks.ts";
import { cancelUpdate, grantRequest } from "./pending_update.ts";
import { switchHostOf } from "./switch_version.ts";
import { PluginTenants, type TenantScopeChange } from "./plugin_tenants.ts";
import { MemoryRelease } from "./release_memory.ts";
import {
  disablePlugin,
  enablePlugin,
  removeInstalled,
  restartPlugin,
  setPluginConfig,
} from "./lifecycle_changes.ts";
import type { ServiceParts } from "./service_parts.ts";
import { startService, stopService } from "./service_start_stop.ts";
import { detailView, listViews } from "./plugin_views.ts";
import { SummaryFactsCache } from "./plugin_list.ts";

/** The event bus as plugins see it: their `ctx.emit`, the daemon's events, cron status. */
export interface PluginEvents extends PluginEventSink, SystemEventSink {
  /** Cron jobs of one plugin with their last run, shown as `cron` in `view()`. */
  cronStatus(pluginId: string): unknown[];
}

/**
 * The plugin lifecycle (SPEC §6): install, grant, enable/disable/restart, update, config,
 * uninstall, plus invocation for the hook bus. Owns the runtime supervisor. The bus is built in
 * the constructor by `createEvents(this)`: each needs the other, and both exist from the start.
 */
export class PluginService<E extends PluginEvents = PluginEvents> {
  readonly logs = new LogRings();
  /** A record of every call, and usage rollups per minute and hour. */
  readonly executions: ExecutionRecorder;
  readonly storage: PluginStorage;
  /** Plugin databases (`ctx.db`, permission `db`). */
  readonly db: PluginDbAccess;
  readonly supervisor: Supervisor;
  readonly configs: PluginConfigs;
  /** Tenants: the registry, per-tenant enablement, what a call for a tenant carries. */
  readonly tenants: PluginTenants;
  readonly events: E;
  #ctx: PluginContext;
  #emit = new EmitPolicy(this.logs, () => this.#ctx.config.emitRate);
  #reloader = new DevReloader((id) =>
    reloadFromSource(this.#ctx, this.logs, (p) => this.#starter.launch(p), id)
  );
  #states = new RuntimeStates();
  #addons: SystemAddonHooks | null = null;
  #starter: PluginStarter;
  /** A full GC once a burst of lifecycle work (1,000 installs...) is over. */
  #memory = new MemoryRelease();
  #summaryFacts = new SummaryFactsCache();
  #records = new RecordWatch();

  constructor(
    ctx: Omit<PluginContext, "events">,
    configs: PluginConfigs,
    createEvents: (plugins: PluginService<E>) => E,
  ) {
    this.events = createEvents(this);
    const locks = new PluginLocks({ closed: true });
    this.#ctx = { ...ctx, events: this.events, locks, recordChanged: this.recordChanged };
    this.configs = configs;
    this.storage = new PluginStorage(ctx.store);
    this.db = createPluginDbAccess(ctx.layout.root, ctx.runtime.sandbox, this.logs);
    const tenantDeps = { configs: configs.tenants, db: this.db, events: this.events };
    const onConfigChange = (id: string, tenant: string, change: unknown) =>
      callLifecycle(this, id, "onConfigChange", change, { tenant });
    this.tenants = new PluginTenants({ ...ctx, ...tenantDeps, onConfigChange });
    this.executions = new ExecutionRecorder(ctx.store, {
      retention: ctx.config.executions,
      log: ctx.log,
    });
    this.supervisor = createPluginSupervisor({
      storage: this.storage,
      db: this.db,
      logs: this.logs,
      idleStopMs: ctx.config.idleStopMs,
      launchDir: ctx.layout.launch,
      standby: ctx.config.standby,
      health: ctx.config.health,
      series: this.executions.series,
      bus: this.events,
      emit: this.#emit,
      onPermissionDenied: (id, attempt) =>
        void this.events.emitSystemEvent("plugin.permission_denied", { plugin: id, ...attempt }),
      onStateChange: (id, state, reason) => void this.#onRuntimeState(id, state, reason),
      verifyIntegrity: (id) =>
        verifyInstalled(ctx.store, id, (p) => this.#starter.paths(p).pluginDir),
      onOwnCall: (id, call) => recordOwnCall(this.executions, id, call),
      onTenantRefused: (id, type, claimed) => this.tenants.refused(id, type, claimed),
    });
    this.#starter = new PluginStarter({
      ctx: this.#ctx,
      supervisor: this.supervisor,
      configs,
      emit: this.#emit,
      db: this.db,
      addons: () => this.#addons,
      executions: this.executions,
    });
    collectPluginMetrics(this.supervisor);
  }

  /** Attaches the system-addon side (`kind: system`), which is built on this service. */
  attachSystemAddons(hooks: SystemAddonHooks): void {
    this.#addons = hooks;
  }

  /** Settles what a crash interrupted, then starts every enabled plugin, several at once. */
  start(): Promise<void> {
    return startService(this.#parts);
  }

  /** Stops every plugin process, then ends the data volumes' namespace. */
  stop(): Promise<void> {
    return stopService(this.#parts);
  }

  list(): Promise<unknown[]> {
    return listViews(this.#parts);
  }

  /** The record of one plugin (404 when unknown). */
  record(id: string): Promise<PluginRecord> {
    return getPlugin(this.#ctx.store, id);
  }

  /** The `GET /v1/plugins/{id}` shape (SPEC §8). */
  view(id: string): Promise<Record<string, unknown>> {
    return detailView(this.#parts, id);
  }

  install(source: string, actor: string, options: SourceOptions = {}): Promise<InstallResult> {
    const install = async (resolved: InstallSource) => {
      const result = await installPlugin(this.#ctx, resolved, actor);
      if (this.#ctx.config.dev) {
        this.#reloader.watchSource(await getPlugin(this.#ctx.store, result.id));
      }
      return result;
    };
    const done = () => this.#memory.poke();
    return resolveSource(this.#ctx, source, options, install, install).finally(done);
  }

  /** Approves a plugin's request; a pending update's request switches to that version. */
  grant(
    id: string,
    permissions: unknown,
    actor: string,
    options: { confirmPrivileged?: boolean } = {},
  ): Promise<{ granted: Permissions }> {
    const host = switchHostOf(this.#parts);
    return this.#locked(id, () => grantRequest(this.#ctx, host, id, permissions, actor, options));
  }

  /** Enables a granted plugin and starts it (409 without a grant); `scope`: for which tenants. */
  enable = (id: string, actor: string, scope?: TenantScopeChange) =>
    this.#locked(
      id,
      () => this.tenants.enable(id, scope, actor, () => enablePlugin(this.#parts, id, actor)),
    );

  /** Disables a plugin, or with `tenant` only stops running it for that tenant. */
  disable = (id: string, actor: string, tenant?: string) =>
    this.#locked(
      id,
      () => this.tenants.disable(id, tenant, actor, () => disablePlugin(this.#parts, id, actor)),
    );

  restart = (id: string, actor: string) =>
    this.#locked(id, () => restartPlugin(this.#parts, id, actor));

  remove(id: string, options: { purge: boolean; force?: boolean }, actor: string): Promise<void> {
    return this.#locked(id, () => removeInstalled(this.#parts, id, options, actor));
  }

  update(id: string, source: string, actor: string, options: SourceOptions = {}) {
    const { allowDowngrade = false, registries } = options;
    const view = (pid: string) => this.view(pid);
    const req = {
      ...switchHostOf(this.#parts),
      id,
      source,
      actor,
      allowDowngrade,
      registries,
      view,
    };
    return this.#locked(id, () => updatePlugin(this.#ctx, req));
  }

  /** Withdraws an update waiting for a grant (`plugd plugin update <id> --cancel`). */
  cancelUpdate(id: string, actor: string): Promise<{ id: string; cancelled: unknown }> {
    return this.#locked(id, () => cancelUpdate(this.#ctx, id, actor));
  }

  /** What its transitions, start and stop, and views work with (service_parts.ts). */
  get #parts(): ServiceParts {
    return {
      ctx: this.#ctx,
      starter: this.#starter,
      reloader: this.#reloader,
      addons: () => this.#addons,
      supervisor: this.supervisor,
      db: this.db,
      logs: this.logs,
      executions: this.executions,
      configs: this.configs,
      emit: this.#emit,
      storage: this.storage,
      memory: this.#memory,
      summaryFacts: this.#summaryFacts,
      cronStatus: (pid) => this.events.cronStatus(pid),
      invoke: (pid, kind, name, payload) => this.invoke(pid, kind, name, payload),
    };
  }

  getConfig(id: string): Promise<Record<string, unknown>> {
    return this.configs.redacted(id);
  }

  setConfig(id: string, values: unknown, actor: string): Promise<Record<string, unknown>> {
    return this.#locked(id, () => setPluginConfig(this.#parts, id, values, actor));
  }

  /** The exact command line the plugin runs with (SPEC §5). */
  async flags(id: string): Promise<{ argv: string[]; env: string[] }> {
    return await this.#starter.flags(await getPlugin(this.#ctx.store, id));
  }

  /** Calls a handler, starting the plugin on demand; every call is recorded. */
  invoke(
    id: string,
    kind: CallKind,
    name: string,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown> {
    const deps = { supervisor: this.supervisor, executions: this.executions, logs: this.logs };
    const tenantCall = (tenant: string) => this.tenants.callFor(id, tenant);
    return invokeRecorded({ ...deps, tenantCall }, { id, kind, name, payload }, options);
  }

  /** Why `id` cannot take a delivery now, or null (the hook bus parks deliveries on this). */
  deliverable = (id: string): string | null => this.#states.unavailable(this.supervisor, id);
  /** Calls `listener` on every runtime state change. */
  watchState = (listener: (id: string, state: string) => void) => this.#states.watch(listener);

  /** Calls `listener` once a change of a plugin's record is committed, before it answers. */
  watchRecords = (listener: (id: string) => void) => this.#records.watch(listener);
  /** A change of `id`'s record was committed (see `RecordWatch`). */
  recordChanged = (id: string) => this.#records.changed(id);

  /** Enabled plugins, for the hook bus's subscription lookups. */
  enabled(): Promise<PluginRecord[]> {
    return listPluginsIn(this.#ctx.store, "enabled");
  }

  async #onRuntimeState(id: string, state: string, reason?: string): Promise<void> {
    this.#states.changed(id, state, reason);
    this.tenants.forget(id); // a launch may bring another version, schema or config
    if (state === "failed") await recordFailure(this.#ctx, id, reason);
  }

  /** Runs a lifecycle change of `id` once recovery is done and no other change of it runs. */
  #locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    // Its end tells the record listeners too: an update or a grant may have switched versions.
    return this.#ctx.locks!.run(id, work).finally(() => {
      this.recordChanged(id);
      this.#memory.poke();
    });
  }
}
