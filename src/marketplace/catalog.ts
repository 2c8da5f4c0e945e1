/**
 * The daemon's catalog over every configured registry: registry servers are asked (their
 * search is ranked full-text), static indexes are filtered here. One registry failing is
 * reported under `errors` and never hides the others' results; each result names its registry
 * (the same plugin may be offered by several).
 */
import * as semver from "semver";
import type { RegistrySource } from "../config/mod.ts";
import {
  boundedFetch,
  type IndexPlugin,
  loadIndex,
  MAX_INDEX_BYTES,
  maxRiskOf,
  permissionKinds,
  riskRank,
} from "../registry/mod.ts";

/** A catalog search (the registry server's parameters). */
export interface CatalogQuery {
  q?: string;
  category?: string;
  permission?: string;
  without?: string;
  max_risk?: string;
  sort?: string;
  featured?: string;
  limit?: string;
  offset?: string;
}

/** One plugin offered by one registry. */
export interface CatalogItem {
  id: string;
  name: string;
  description: string;
  categories: string[];
  tags: string[];
  latest: string;
  /** Installable versions, highest first. */
  versions: string[];
  registry: string;
  publisher: string | null;
  verified: boolean;
  downloads: number | null;
  rating: number | null;
  rating_count: number | null;
  max_risk: string | null;
  permission_kinds: string[];
  deprecated: string | null;
  [extra: string]: unknown;
}

/** What a catalog search returns. */
export interface CatalogResult {
  plugins: CatalogItem[];
  /** Matches per registry (servers report their total beyond the page). */
  totals: Record<string, number>;
  errors: { registry: string; message: string }[];
}

const PASS = [
  "q",
  "category",
  "permission",
  "without",
  "max_risk",
  "sort",
  "featured",
  "limit",
  "offset",
];

/**
 * Searches every registry concurrently, each within the registry time limit.
 *
 * @example
 * ```ts
 * const { plugins, errors } = await searchCatalog(config.registries, { q: "slack" });
 * ```
 */
export async function searchCatalog(
  sources: readonly RegistrySource[],
  query: CatalogQuery,
  options: { timeoutMs?: number } = {},
): Promise<CatalogResult> {
  const result: CatalogResult = { plugins: [], totals: {}, errors: [] };
  const settled = await Promise.allSettled(
    sources.map((s) =>
      s.kind === "server" ? searchServer(s, query, options) : searchIndex(s, query, options)
    ),
  );
  settled.forEach((outcome, i) => {
    const name = sources[i]!.name;
    if (outcome.status === "rejected") {
      result.errors.push({ registry: name, message: (outcome.reason as Error).message });
      return;
    }
    result.totals[name] = outcome.value.total;
    result.plugins.push(...outcome.value.plugins);
  });
  const sort = query.sort ?? (query.q ? "relevance" : "name");
  const by: Record<string, (a: CatalogItem, b: CatalogItem) => number> = {
    downloads: (a, b) => (b.downloads ?? -1) - (a.downloads ?? -1),
    rating: (a, b) => (b.rating ?? -1) - (a.rating ?? -1),
    name: (a, b) => a.id.localeCompare(b.id),
  };
  // Relevance and "updated" keep each registry's order, registries in priority order.
  if (by[sort]) result.plugins.sort(by[sort]);
  return result;
}

async function searchServer(
  source: RegistrySource,
  query: CatalogQuery,
  options: { timeoutMs?: number },
): Promise<{ total: number; plugins: CatalogItem[] }> {
  const params = new URLSearchParams();
  for (const key of PASS) {
    const value = query[key as keyof CatalogQuery];
    if (value) params.set(key, value);
  }
  const { body } = await boundedFetch(`${source.url}/api/v1/search?${params}`, {
    maxBytes: MAX_INDEX_BYTES,
    timeoutMs: options.timeoutMs,
    what: `registry "${source.name}"`,
  });
  const data = JSON.parse(new TextDecoder().decode(body)) as {
    total: number;
    plugins: Omit<CatalogItem, "registry">[];
  };
  return {
    total: Number(data.total ?? 0),
    plugins: (data.plugins ?? []).map((p) =>
      ({ ...p, versions: p.versions ?? [p.latest], registry: source.name }) as CatalogItem
    ),
  };
}

async function searchIndex(
  source: RegistrySource,
  query: CatalogQuery,
  options: { timeoutMs?: number },
): Promise<{ total: number; plugins: CatalogItem[] }> {
  const { index } = await loadIndex(source.url, options);
  const q = (query.q ?? "").toLowerCase();
  const wanted = query.permission?.split(",").filter(Boolean) ?? [];
  const unwanted = query.without?.split(",").filter(Boolean) ?? [];
  const plugins: CatalogItem[] = [];
  for (const [id, plugin] of Object.entries(index.plugins)) {
    const item = indexItem(id, plugin, source.name);
    if (!item) continue;
    const text = [id, item.name, plugin.description, ...plugin.tags].join(" ").toLowerCase();
    if (q && !q.split(/\s+/).every((w) => text.includes(w))) continue;
    if (query.category && !plugin.categories.includes(query.category)) continue;
    if (wanted.some((k) => !item.permission_kinds.includes(k))) continue;
    if (unwanted.some((k) => item.permission_kinds.includes(k))) continue;
    if (
      query.max_risk && (item.max_risk === null ||
        riskRank(item.max_risk) > riskRank(query.max_risk))
    ) continue;
    if (query.featured === "true") continue; // static indexes feature nothing
    plugins.push(item);
  }
  return { total: plugins.length, plugins };
}

/** A static index's plugin as a catalog item (null when it has no installable version). */
export function indexItem(id: string, plugin: IndexPlugin, registry: string): CatalogItem | null {
  const versions = Object.keys(plugin.versions).filter((v) =>
    semver.valid(v) && !plugin.versions[v]!.yanked
  ).sort(semver.rcompare);
  const latest = versions.find((v) => semver.prerelease(v) === null) ?? versions[0];
  if (!latest) return null;
  const permissions = plugin.versions[latest]!.permissions;
  return {
    id,
    name: id,
    description: plugin.description,
    categories: plugin.categories,
    tags: plugin.tags,
    latest,
    versions,
    registry,
    publisher: null,
    verified: false,
    downloads: null,
    rating: null,
    rating_count: null,
    max_risk: permissions ? maxRiskOf(permissions) : null,
    permission_kinds: permissions ? permissionKinds(permissions) : [],
    deprecated: plugin.deprecated ?? null,
  };
}
