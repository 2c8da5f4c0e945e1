import type { Store } from "../store/mod.ts";
import { ConflictError } from "./errors.ts";
import { listPlugins } from "./repository.ts";
import type { PluginRecord } from "./types.ts";

/** Refuses to enable a plugin whose dependencies are not enabled or that conflicts with one. */
export async function checkEnableable(store: Store, plugin: PluginRecord): Promise<void> {
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
}
