/**
 * Reading what one configured registry says about a plugin: a static index (loaded whole,
 * revalidated with ETags) or a registry server (`/api/v1/plugins/{id}/index`, per plugin).
 * Several registries are consulted in priority order: the first reachable one that lists an
 * id is where that id resolves, and unreachable ones are skipped and reported.
 */
import type { RegistrySource } from "../config/mod.ts";
import { registryCache } from "./http_cache.ts";
import { checkIndex, loadIndex, MAX_INDEX_BYTES } from "./load_index.ts";
import { type IndexPlugin, RegistryError } from "./types.ts";

/** A plugin as one registry lists it. */
export interface FoundPlugin {
  /** The registry's configured name. */
  registry: string;
  /** Where relative archive URLs resolve from. */
  location: string;
  plugin: IndexPlugin;
}

/** Finds `id` in one registry; null when the registry does not list it. Throws when unreachable. */
export async function lookupPlugin(
  source: RegistrySource,
  id: string,
  options: { timeoutMs?: number } = {},
): Promise<FoundPlugin | null> {
  if (source.kind === "index") {
    const { index } = await loadIndex(source.url, options);
    const plugin = index.plugins[id];
    return plugin ? { registry: source.name, location: source.url, plugin } : null;
  }
  const url = `${source.url}/api/v1/plugins/${encodeURIComponent(id)}/index`;
  const { status, body } = await registryCache.fetch(url, {
    maxBytes: MAX_INDEX_BYTES,
    timeoutMs: options.timeoutMs,
    passStatuses: [404],
    what: `registry "${source.name}"`,
  });
  if (status === 404) return null;
  let fragment: unknown;
  try {
    fragment = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new RegistryError(
      "index_invalid",
      `registry "${source.name}" sent invalid JSON for ${id}`,
    );
  }
  const index = checkIndex({ format: 1, plugins: { [id]: fragment } }, url);
  return { registry: source.name, location: url, plugin: index.plugins[id]! };
}

/** Per-registry failures met while resolving, keyed by registry name. */
export type RegistryErrors = Map<string, string>;

/**
 * A lookup over `sources` in priority order, for `resolvePlan`: the first registry that lists
 * the id wins; unreachable registries are skipped and recorded in `errors`. When no reachable
 * registry lists the id and some could not be asked, the error says which.
 */
export function sourcesLookup(
  sources: readonly RegistrySource[],
  options: { timeoutMs?: number; errors?: RegistryErrors } = {},
): (id: string) => Promise<FoundPlugin | null> {
  const errors = options.errors ?? new Map();
  return async (id) => {
    for (const source of sources) {
      try {
        const found = await lookupPlugin(source, id, options);
        if (found) return found;
      } catch (error) {
        errors.set(source.name, (error as Error).message);
      }
    }
    if (errors.size > 0) {
      const unreachable = [...errors].map(([name, why]) => `${name} (${why})`).join("; ");
      throw new RegistryError(
        errors.size === sources.length ? "registry_unreachable" : "unknown_plugin",
        `No reachable registry lists "${id}"; could not ask: ${unreachable}`,
      );
    }
    return null;
  };
}
