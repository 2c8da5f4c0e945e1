/** Searching the configured registry indexes (`GET /v1/catalog`, `plugd plugin search`). */
import * as semver from "semver";
import { loadIndex } from "./load_index.ts";

/** One plugin as the catalog lists it. */
export interface CatalogItem {
  id: string;
  description: string;
  categories: string[];
  tags: string[];
  /** Highest version listed. */
  latest: string;
  versions: string[];
  registry: string;
}

/** What a catalog search returns; unreachable registries are reported, not fatal. */
export interface CatalogResult {
  plugins: CatalogItem[];
  errors: { registry: string; message: string }[];
}

/**
 * Loads every registry and returns the plugins whose id, description or tags contain `q`
 * (case-insensitive) and, if given, that list `category`.
 */
export async function searchCatalog(
  registries: readonly string[],
  query: { q?: string; category?: string } = {},
  options: { timeoutMs?: number } = {},
): Promise<CatalogResult> {
  const q = (query.q ?? "").toLowerCase();
  const result: CatalogResult = { plugins: [], errors: [] };
  const loaded = await Promise.allSettled(registries.map((r) => loadIndex(r, options)));
  loaded.forEach((outcome, i) => {
    if (outcome.status === "rejected") {
      result.errors.push({ registry: registries[i]!, message: outcome.reason.message });
      return;
    }
    for (const [id, plugin] of Object.entries(outcome.value.index.plugins)) {
      const text = [id, plugin.description, ...plugin.tags].join(" ").toLowerCase();
      if (q && !text.includes(q)) continue;
      if (query.category && !plugin.categories.includes(query.category)) continue;
      const versions = Object.keys(plugin.versions).filter((v) => semver.valid(v))
        .sort(semver.rcompare);
      result.plugins.push({
        id,
        description: plugin.description,
        categories: plugin.categories,
        tags: plugin.tags,
        latest: versions[0] ?? "",
        versions,
        registry: registries[i]!,
      });
    }
  });
  result.plugins.sort((a, b) => a.id.localeCompare(b.id));
  return result;
}
