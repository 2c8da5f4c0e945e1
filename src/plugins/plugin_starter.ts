/**
 * Starting and stopping what runs a plugin: its sandboxed process under the supervisor, or, for a
 * system addon, its checks (it has no process between operations). Also what `flags` prints.
 */
import { manifestHandlers, type Supervisor } from "../runtime/mod.ts";
import { addonPlan, hiddenPaths } from "./addon_launch.ts";
import type { EmitPolicy } from "./emit_policy.ts";
import { ConflictError } from "./errors.ts";
import type { PluginConfigs } from "./plugin_configs.ts";
import type { PluginContext } from "./plugin_context.ts";
import type { PluginDbAccess } from "./plugin_db_access.ts";
import { assertHealthy } from "./plugin_dirs.ts";
import {
  commandLine,
  configIncomplete,
  dataLimit,
  pluginPlan,
  preparedForStart,
  readyToLaunch,
} from "./plugin_launch.ts";
import { prepareDirs } from "./folder_owners.ts";
import { type PluginPaths, pluginPaths } from "./plugin_paths.ts";
import { isSystemAddon, type SystemAddonHooks } from "./system_addons.ts";
import type { PluginRecord } from "./types.ts";
import type { ExecutionRecorder } from "../executions/mod.ts";
import { secretRedaction } from "./secret_redaction.ts";

/** What a starter works with. */
export interface PluginStarterDeps {
  ctx: PluginContext;
  supervisor: Supervisor;
  configs: PluginConfigs;
  emit: EmitPolicy;
  /** Plugins' own databases (`db` permission), prepared before a start. */
  db: Pick<PluginDbAccess, "prepare">;
  /** The system-addon side, once attached. */
  addons: () => SystemAddonHooks | null;
  /** Learns each plugin's secrets at launch, so execution records can hide them. */
  executions?: Pick<ExecutionRecorder, "setSecrets">;
}

/** Launches and halts plugins for the plugin service. */
export class PluginStarter {
  #d: PluginStarterDeps;

  constructor(deps: PluginStarterDeps) {
    this.#d = deps;
  }

  /** Where a plugin version lives. */
  paths(plugin: Pick<PluginRecord, "id" | "version">): PluginPaths {
    const { layout, config } = this.#d.ctx;
    return pluginPaths(layout, config, plugin.id, plugin.version);
  }

  /** Starts a plugin (replacing what ran before); `lazy` registers it to start on demand. */
  async launch(plugin: PluginRecord, options: { lazy?: boolean } = {}): Promise<void> {
    await this.ready(plugin, options);
    if (!isSystemAddon(plugin) && !options.lazy) await this.#d.supervisor.start(plugin.id);
  }

  /**
   * All of {@linkcode launch} but the process's start: folders, volume, database, config, and
   * the registration (replacing what ran before). A system addon is activated.
   */
  async ready(plugin: PluginRecord, options: { lazy?: boolean } = {}): Promise<void> {
    if (isSystemAddon(plugin)) return await this.#activateAddon(plugin);
    const { ctx, supervisor, configs } = this.#d;
    const paths = this.paths(plugin);
    const grant = plugin.granted ?? {};
    this.#d.emit.configure(plugin.id, grant.emit ?? [], plugin.manifest.limits);
    const runtime = ctx.runtime;
    const uid = await readyToLaunch(plugin, ctx, paths, !options.lazy);
    await this.#d.db.prepare({ ...plugin, granted: grant }, paths.pluginDir, ctx.store);
    const config = await configs.forLaunch(plugin);
    this.#d.executions?.setSecrets(plugin.id, secretRedaction(plugin.manifest.config, config));
    await this.halt(plugin.id);
    supervisor.register({
      id: plugin.id,
      version: plugin.version,
      expectedHandlers: manifestHandlers(plugin.manifest),
      limits: plugin.manifest.limits,
      config,
      // Every start, not only this launch: a restart, an on-demand start, a standby.
      plan: async () => {
        await preparedForStart(plugin, ctx, paths, uid);
        return pluginPlan({ ...plugin, granted: grant }, runtime, paths, uid);
      },
      disk: dataLimit(plugin.id, runtime, paths.dataDir),
      enabled: true,
    });
  }

  /** Starts a version and requires a healthy answer to `health()` (update's switch test). */
  async launchChecked(plugin: PluginRecord): Promise<void> {
    await this.launch(plugin);
    if (isSystemAddon(plugin)) return;
    assertHealthy(await this.#d.supervisor.invoke(plugin.id, "health", "health", undefined));
  }

  /** Stops what runs a plugin (a system addon: 409 while one of its operations runs). */
  async halt(id: string): Promise<void> {
    await this.#d.addons()?.deactivate(id);
    const { supervisor } = this.#d;
    if (supervisor.ids().includes(id)) await supervisor.unregister(id);
  }

  /** The exact command line (a system addon: of its `status` operation). */
  async flags(plugin: PluginRecord): Promise<{ argv: string[]; env: string[] }> {
    const { runtime } = this.#d.ctx;
    const paths = this.paths(plugin);
    const uid = await runtime.uids?.uidOf(plugin.id);
    if (!isSystemAddon(plugin)) return commandLine(pluginPlan(plugin, runtime, paths, uid));
    const hidden = await hiddenPaths(paths);
    return commandLine(addonPlan(plugin, runtime, paths, { args: ["status"], hidden, uid }));
  }

  /** A system addon has no process: it needs its config, then its checks begin. */
  async #activateAddon(plugin: PluginRecord): Promise<void> {
    const addons = this.#d.addons();
    if (!addons) throw new ConflictError("system addons are not available in this daemon");
    const { runtime } = this.#d.ctx;
    // Addons get a uid of their own only from a root daemon (see addonPlan).
    const uid = runtime.sandbox.root ? await runtime.uids?.uidOf(plugin.id) : undefined;
    await prepareDirs(this.paths(plugin), runtime.sandbox, uid);
    const problems = await this.#d.configs.problems(plugin);
    if (problems.length > 0) throw new ConflictError(configIncomplete(plugin.id, problems));
    await addons.activate(plugin);
  }
}
