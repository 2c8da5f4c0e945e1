import { blockingAdvisory, originOf } from "../registry/mod.ts";
import type { Store } from "../store/mod.ts";
import { ConflictError } from "./errors.ts";
import { listPlugins } from "./repository.ts";
import type { PluginRecord } from "./types.ts";

/**
 * Refuses to enable a plugin whose version a registry advisory disables, whose dependencies
 * are not enabled, that conflicts with an enabled one, or that processes a task type an enabled
 * plugin already processes (exactly one processor per type).
 */
export async function checkEnableable(store: Store, plugin: PluginRecord): Promise<void> {
  const advisory = await blockingAdvisory(
    store,
    plugin.id,
    plugin.version,
    await originOf(store, plugin.id),
  );
  if (advisory) {
    throw new ConflictError(
      `Cannot enable plugin "${plugin.id}": version ${plugin.version} is disabled by advisory ` +
        `${advisory.id} of registry ${advisory.registry} (${advisory.title}); update to ` +
        `${advisory.fixed_in ? `${advisory.fixed_in} or later` : "a fixed version"} with ` +
        `"plugd plugin update ${plugin.id}"`,
    );
  }
  const all = await listPlugins(store);
  for (const dep of Object.keys(plugin.manifest.dependencies.plugins)) {
    const found = all.find((p) => p.id === dep);
    if (!found || found.state !== "enabled") {
      throw new ConflictError(
        `Cannot enable plugin "${plugin.id}": it depends on "${dep}", which is ${
          found ? found.state : "not installed"
        }; enable "${dep}" first`,
      );
    }
  }
  for (const other of all) {
    if (
      other.state === "enabled" &&
      (other.manifest.conflicts.includes(plugin.id) ||
        plugin.manifest.conflicts.includes(other.id))
    ) {
      throw new ConflictError(
        `Cannot enable plugin "${plugin.id}": it conflicts with enabled plugin "${other.id}"`,
      );
    }
  }
  const tasks = plugin.manifest.hooks.filter((h) => h.kind === "task").map((h) => h.name);
  for (const other of all) {
    if (other.state !== "enabled" || other.id === plugin.id) continue;
    const shared = other.manifest.hooks.find((h) => h.kind === "task" && tasks.includes(h.name));
    if (shared) {
      throw new ConflictError(
        `Cannot enable plugin "${plugin.id}": task type "${shared.name}" is processed by enabled ` +
          `plugin "${other.id}" and each type has exactly one processor; disable "${other.id}" first`,
      );
    }
  }
}
