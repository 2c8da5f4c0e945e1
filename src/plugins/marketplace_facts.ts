/** What the registries say about an installed plugin, for its view (`plugd plugin info`). */
import { advisoriesFor, originOf, updatePolicyOf } from "../registry/mod.ts";
import type { Store } from "../store/mod.ts";
import type { PluginRecord } from "./types.ts";

/** Its registry, the advisories in force for its version, and its auto-update policy. */
export async function marketplaceFacts(
  store: Store,
  plugin: PluginRecord,
): Promise<{ registry: string | null; advisories: unknown[]; auto_update: string }> {
  const registry = await originOf(store, plugin.id);
  return {
    registry,
    advisories: await advisoriesFor(store, plugin.id, plugin.version, registry),
    auto_update: await updatePolicyOf(store, plugin.id),
  };
}
