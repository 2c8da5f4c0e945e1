/**
 * The plugin lifecycle's transitions as `PluginService` runs them under a plugin's lock: enable,
 * disable, restart, uninstall and a config change (SPEC §6).
 */
import { appendAudit } from "../audit/mod.ts";
import { ConflictError } from "./errors.ts";
import { getPlugin } from "./repository.ts";
import { setPluginState } from "./plugin_state.ts";
import { callLifecycle, runInstallHookOnce } from "./lifecycle_hooks.ts";
import { removePlugin } from "./remove_plugin.ts";
import { checkEnableable } from "./enable_checks.ts";
import { isSystemAddon } from "./system_addons.ts";
import { cancelUpdate } from "./pending_update.ts";
import type { PluginRecord } from "./types.ts";
import type { ServiceParts } from "./service_parts.ts";

/** Enables a granted plugin and starts it (409 without a grant). */
export async function enablePlugin(host: ServiceParts, id: string, actor: string): Promise<void> {
  const plugin = await getPlugin(host.ctx.store, id);
  if (!plugin.granted) {
    throw new ConflictError(
      `Cannot enable plugin "${id}": permissions not granted; run "plugd plugin grant ${id}"`,
    );
  }
  await checkEnableable(host.ctx.store, plugin);
  await setState(host, id, "enabled", actor, "plugin.enable");
  try {
    await host.starter.launch({ ...plugin, state: "enabled" });
  } catch (error) {
    await setState(host, id, "failed", "daemon", "plugin.fail", (error as Error).message);
    throw new ConflictError(`Plugin "${id}" failed to start: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await runInstallHookOnce(host, host.ctx.store, id);
  await host.ctx.events.emitSystemEvent("plugin.enabled", {
    plugin: id,
    version: plugin.version,
  });
}

/** Disables a plugin: `onDisable`, its process stopped, the state stored, the event. */
export async function disablePlugin(
  host: ServiceParts,
  id: string,
  actor: string,
): Promise<void> {
  const plugin = await getPlugin(host.ctx.store, id);
  await callLifecycle(host, id, "onDisable");
  await host.starter.halt(id);
  await setState(host, id, "disabled", actor, "plugin.disable");
  await host.ctx.events.emitSystemEvent("plugin.disabled", {
    plugin: id,
    version: plugin.version,
  });
}

/** Restarts an enabled plugin (a failed one is enabled again). */
export async function restartPlugin(
  host: ServiceParts,
  id: string,
  actor: string,
): Promise<void> {
  const plugin = await getPlugin(host.ctx.store, id);
  if (plugin.state !== "enabled" && plugin.state !== "failed") {
    throw new ConflictError(
      `Plugin "${id}" is ${plugin.state}; enable it with "plugd plugin enable ${id}"`,
    );
  }
  if (plugin.state === "failed") return await enablePlugin(host, id, actor);
  if (isSystemAddon(plugin)) await host.starter.launch(plugin); // a fresh status check
  else await host.supervisor.restart(id);
  const row = { actor, action: "plugin.restart", target: id, result: "ok" };
  await appendAudit(host.ctx.store, row);
}

/** Uninstalls a plugin (`purge`: its data too). */
export async function removeInstalled(
  host: ServiceParts,
  id: string,
  options: { purge: boolean; force?: boolean },
  actor: string,
): Promise<void> {
  const plugin = await getPlugin(host.ctx.store, id);
  await cancelUpdate(host.ctx, id, actor).catch(() => {}); // a pending update goes too
  if (isSystemAddon(plugin)) await host.addons()?.assertRemovable(plugin, options.force === true);
  await callLifecycle(host, id, "onUninstall");
  await host.starter.halt(id);
  host.reloader.unwatch(id);
  await host.db.forget(id, false); // its database processes stop; purge removes the files
  await removePlugin(host.ctx, plugin, options, actor);
  host.ctx.recordChanged?.(id);
  host.logs.clear(id);
  await host.executions.forget(id, options.purge);
  await host.ctx.events.emitSystemEvent("plugin.uninstalled", {
    plugin: id,
    version: plugin.version,
  });
}

/** Stores a plugin's new config and applies it to a running plugin. */
export async function setPluginConfig(
  host: ServiceParts,
  id: string,
  values: unknown,
  actor: string,
): Promise<Record<string, unknown>> {
  const plugin = await getPlugin(host.ctx.store, id);
  const { previous, next } = await host.configs.set(plugin, values, actor);
  if (plugin.state === "enabled" && isSystemAddon(plugin)) {
    await host.starter.halt(id); // 409 while an operation runs; "op configure" applies the values
    await host.starter.launch(plugin);
  } else if (plugin.state === "enabled") {
    // The process holds its config from the handshake: relaunch with the new values, then
    // tell the plugin what changed.
    await host.starter.halt(id);
    await host.starter.launch(plugin);
    await host.invoke(id, "lifecycle", "onConfigChange", { old: previous, new: next })
      .catch(
        (error: Error) => host.logs.system(id, "warn", `onConfigChange failed: ${error.message}`),
      );
  }
  await host.ctx.events.emitSystemEvent("plugin.config_changed", { plugin: id });
  return await host.configs.redacted(id);
}

/** Stores `id`'s new state, then tells who follows the plugins' records (the task processors). */
async function setState(
  host: ServiceParts,
  id: string,
  state: PluginRecord["state"],
  actor: string,
  action: string,
  reason: string | null = null,
): Promise<void> {
  await setPluginState(host.ctx.store, { id, state, actor, action, reason });
  host.ctx.recordChanged?.(id);
}
