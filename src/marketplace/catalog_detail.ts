/**
 * One plugin's marketplace detail as the daemon shows it: from the first registry that lists
 * it (or the one asked for), with reviews for registry servers, and what is installed here.
 */
import * as semver from "semver";
import type { RegistrySource } from "../config/mod.ts";
import { assessRisks } from "../permissions/mod.ts";
import {
  boundedFetch,
  loadIndex,
  MAX_INDEX_BYTES,
  maxRiskOf,
  RegistryError,
} from "../registry/mod.ts";

/** Finds `id` in `sources` (or only in `registry`) and returns its detail. */
export async function catalogDetail(
  sources: readonly RegistrySource[],
  id: string,
  options: { registry?: string; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const candidates = options.registry
    ? sources.filter((s) => s.name === options.registry)
    : sources;
  if (options.registry && candidates.length === 0) {
    throw new RegistryError(
      "unknown_registry",
      `No configured registry is named "${options.registry}"`,
    );
  }
  const errors: { registry: string; message: string }[] = [];
  for (const source of candidates) {
    try {
      const detail = source.kind === "server"
        ? await serverDetail(source, id, options.timeoutMs)
        : await indexDetail(source, id, options.timeoutMs);
      if (detail) return { ...detail, registry: source.name, registry_errors: errors };
    } catch (error) {
      errors.push({ registry: source.name, message: (error as Error).message });
    }
  }
  throw new RegistryError(
    errors.length === candidates.length && errors.length > 0
      ? "registry_unreachable"
      : "unknown_plugin",
    `No reachable registry lists "${id}"` +
      (errors.length
        ? `; could not ask: ${errors.map((e) => `${e.registry} (${e.message})`).join("; ")}`
        : ""),
  );
}

async function getJson(
  url: string,
  what: string,
  timeoutMs?: number,
): Promise<Record<string, unknown> | null> {
  const { status, body } = await boundedFetch(url, {
    maxBytes: MAX_INDEX_BYTES,
    timeoutMs,
    passStatuses: [404],
    what,
  });
  return status === 404 ? null : JSON.parse(new TextDecoder().decode(body));
}

async function serverDetail(
  source: RegistrySource,
  id: string,
  timeoutMs?: number,
): Promise<Record<string, unknown> | null> {
  const base = `${source.url}/api/v1/plugins/${encodeURIComponent(id)}`;
  const what = `registry "${source.name}"`;
  const detail = await getJson(base, what, timeoutMs);
  if (!detail) return null;
  const reviews = await getJson(`${base}/reviews?limit=20`, what, timeoutMs)
    .catch(() => null);
  return { ...detail, reviews: reviews ?? { total: 0, reviews: [] } };
}

async function indexDetail(
  source: RegistrySource,
  id: string,
  timeoutMs?: number,
): Promise<Record<string, unknown> | null> {
  const { index } = await loadIndex(source.url, { timeoutMs });
  const plugin = index.plugins[id];
  if (!plugin) return null;
  const versions = Object.entries(plugin.versions)
    .filter(([v]) => semver.valid(v))
    .sort(([a], [b]) => semver.rcompare(a, b))
    .map(([version, e]) => ({
      version,
      plugd: e.plugd,
      permissions: e.permissions ?? null,
      risks: e.permissions ? assessRisks(e.permissions) : null,
      max_risk: e.permissions ? maxRiskOf(e.permissions) : null,
      dependencies: e.dependencies,
      sha256: e.sha256,
      key_id: e.key_id ?? null,
      yanked: e.yanked === true,
      deprecated: e.deprecated ?? null,
      changelog: "",
    }));
  const latest = versions.find((v) => !v.yanked && semver.prerelease(v.version) === null) ??
    versions[0];
  return {
    id,
    name: id,
    description: plugin.description,
    readme: "",
    publisher: null,
    categories: plugin.categories,
    tags: plugin.tags,
    latest: latest?.version ?? null,
    downloads: null,
    rating: null,
    deprecated: plugin.deprecated ?? null,
    versions,
    reviews: null,
  };
}
