/**
 * The seam between the plugin lifecycle and system addons (`kind: system`, src/addons): the
 * lifecycle calls these where a plugin would start or stop a process. The addon side is attached
 * by the daemon once built (it needs the plugin service itself).
 */
import type { PluginRecord } from "./types.ts";

/** What the lifecycle asks of the system-addon side. */
export interface SystemAddonHooks {
  /** Enabled (or the daemon started with it enabled): operations may run and checks begin. */
  activate(plugin: PluginRecord): Promise<void>;
  /**
   * Disabled, reconfigured, updated or removed: checks stop. Throws `ConflictError` while an
   * operation runs (the change would pull the rug from under it).
   */
  deactivate(id: string): Promise<void>;
  /**
   * Throws `ConflictError` unless the addon may be removed: nothing running, and (unless `force`)
   * the software it manages is not installed.
   */
  assertRemovable(plugin: PluginRecord, force: boolean): Promise<void>;
  /** The addon's own status for views (`addon` in `GET /v1/plugins[/{id}]`). */
  describe(plugin: PluginRecord): Promise<Record<string, unknown>>;
}

/** Whether a plugin is a system addon. */
export function isSystemAddon(plugin: Pick<PluginRecord, "manifest">): boolean {
  return plugin.manifest.kind === "system";
}

/**
 * A system addon's own status (`addon`) for a view, and its health where a plugin's `health()`
 * goes; both null while no addon side is attached.
 */
export async function addonView(
  addons: SystemAddonHooks | null,
  plugin: PluginRecord,
): Promise<Record<string, unknown>> {
  const addon = await addons?.describe(plugin) ?? null;
  const health = addon && { status: addon.health, message: addon.message, at: addon.checked_at };
  return { addon, health };
}
