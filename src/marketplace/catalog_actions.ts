/**
 * What the daemon's catalog routes do: search with the installed version marked, a plugin's
 * detail with what is installed here and its advisories, and reviews or flags sent to a
 * registry server as this installation.
 */
import type { RegistrySource } from "../config/mod.ts";
import { advisoriesFor, originOf, RegistryError } from "../registry/mod.ts";
import { type CatalogQuery, type CatalogResult, searchCatalog } from "./catalog.ts";
import { catalogDetail } from "./catalog_detail.ts";
import { asInstallation } from "./installation_identity.ts";
import type { MarketplaceHost } from "./types.ts";

/** Searches every registry; each result says which version is installed here (or null). */
export async function searchWithInstalled(
  host: MarketplaceHost,
  query: CatalogQuery,
): Promise<CatalogResult> {
  const result = await searchCatalog(host.config.registries, query, {
    timeoutMs: host.config.registryTimeoutMs,
  });
  const rs = await host.store.execute("SELECT id, version FROM plugins");
  const installed = new Map(rs.rows.map((r) => [String(r.id), String(r.version)]));
  for (const item of result.plugins) item.installed = installed.get(item.id) ?? null;
  return result;
}

/** A plugin's detail from the registries plus `installed` (version, state, registry, advisories). */
export async function detailWithInstalled(
  host: MarketplaceHost,
  id: string,
  registry?: string,
): Promise<Record<string, unknown>> {
  const { store, config } = host;
  const detail = await catalogDetail(config.registries, id, {
    registry,
    timeoutMs: config.registryTimeoutMs,
  });
  const rs = await store.execute({
    sql: "SELECT version, state FROM plugins WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  const origin = row ? await originOf(store, id) : null;
  return {
    ...detail,
    installed: row
      ? {
        version: String(row.version),
        state: String(row.state),
        registry: origin,
        advisories: await advisoriesFor(store, id, String(row.version), origin),
      }
      : null,
  };
}

/**
 * Sends this installation's review (`PUT …/reviews/mine`) or a flag (`POST …/flags`) of plugin
 * `id` to a registry server: the one named in `body.registry`, else the plugin's own registry,
 * else the first server configured.
 */
export async function sendAsInstallation(
  host: MarketplaceHost,
  action: "review" | "flag",
  id: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { registry: requested, ...payload } = body;
  const source = await reviewRegistry(host, id, requested);
  const answer = await asInstallation(host.store, host.key, source, {
    method: action === "review" ? "PUT" : "POST",
    path: `/api/v1/plugins/${encodeURIComponent(id)}/${
      action === "review" ? "reviews/mine" : "flags"
    }`,
    body: payload,
    timeoutMs: host.config.registryTimeoutMs,
  });
  return { registry: source.name, ...(answer.body as Record<string, unknown>) };
}

async function reviewRegistry(
  host: MarketplaceHost,
  id: string,
  requested: unknown,
): Promise<RegistrySource> {
  const registries = host.config.registries;
  const servers = registries.filter((r) => r.kind === "server");
  const name = typeof requested === "string" ? requested : await originOf(host.store, id);
  const source = name ? servers.find((s) => s.name === name) : servers[0];
  if (source) return source;
  if (name && registries.some((r) => r.name === name)) {
    throw new RegistryError(
      "no_reviews",
      `Registry "${name}" is a static index: it takes no reviews or flags`,
    );
  }
  throw new RegistryError(
    "unknown_registry",
    name
      ? `No configured registry server is named "${name}"`
      : "No registry server is configured (static indexes take no reviews)",
  );
}
