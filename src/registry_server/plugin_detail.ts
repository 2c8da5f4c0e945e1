/**
 * What the registry tells about one plugin: the detail page (readme, versions with changelogs,
 * permissions requested per version with their risk, publisher and badge, downloads, rating),
 * and the index document daemons resolve versions from.
 */
import { join } from "node:path";
import * as semver from "semver";
import { HttpError } from "../api/mod.ts";
import { assessRisks } from "../permissions/mod.ts";
import type { IndexPlugin, IndexVersion } from "../registry/mod.ts";
import type { Store } from "../store/mod.ts";
import type { Principal } from "./types.ts";

/** The plugin row, 404 unless `viewer` may see it (listed, or its publisher, or an admin). */
async function visiblePlugin(
  store: Store,
  id: string,
  viewer?: Principal,
): Promise<{ row: Record<string, unknown>; privileged: boolean }> {
  const rs = await store.execute({
    sql: `SELECT p.*, u.display_name, u.verified, u.status AS publisher_status
          FROM plugins p JOIN publishers u ON u.name = p.publisher WHERE p.id = ?`,
    args: [id],
  });
  const row = rs.rows[0] as Record<string, unknown> | undefined;
  const privileged = viewer?.kind === "admin" ||
    (viewer?.kind === "publisher" && viewer.subject === row?.publisher);
  if (!row) throw new HttpError(404, `No plugin "${id}" in this registry`);
  if (!privileged) {
    if (row.banned_at) {
      throw new HttpError(404, `Plugin "${id}" was removed by the registry: ${row.ban_reason}`);
    }
    if (row.publisher_status !== "active" || row.latest === null) {
      throw new HttpError(404, `No plugin "${id}" in this registry`);
    }
  }
  return { row, privileged };
}

/**
 * The detail of plugin `id`. Publishers and admins also see versions under review, rejected
 * and banned ones.
 */
export async function pluginDetail(
  store: Store,
  id: string,
  viewer?: Principal,
): Promise<Record<string, unknown>> {
  const { row, privileged } = await visiblePlugin(store, id, viewer);
  const rs = await store.execute({
    sql: `SELECT * FROM versions WHERE plugin_id = ?
          ${privileged ? "" : "AND status = 'published' AND banned_at IS NULL"}`,
    args: [id],
  });
  const versions = rs.rows
    .filter((v) => semver.valid(String(v.version)))
    .sort((a, b) => semver.rcompare(String(a.version), String(b.version)))
    .map((v) => {
      const permissions = JSON.parse(String(v.permissions));
      return {
        version: String(v.version),
        status: String(v.status),
        review_reason: v.review_reason ?? null,
        published_at: String(v.published_at),
        changelog: String(v.changelog),
        plugd: String(v.plugd),
        permissions,
        risks: assessRisks(permissions),
        max_risk: String(v.max_risk),
        dependencies: JSON.parse(String(v.dependencies)),
        downloads: Number(v.downloads),
        size: Number(v.size),
        sha256: String(v.sha256),
        key_id: String(v.key_id),
        yanked: v.yanked_at !== null,
        yank_reason: v.yank_reason ?? null,
        deprecated: v.deprecated ?? null,
        banned: v.banned_at !== null,
        ban_reason: v.ban_reason ?? null,
      };
    });
  return {
    id,
    name: String(row.name),
    description: String(row.description),
    readme: String(row.readme),
    homepage: row.homepage ?? null,
    publisher: {
      name: String(row.publisher),
      display_name: String(row.display_name),
      verified: Number(row.verified) === 1,
    },
    categories: JSON.parse(String(row.categories)),
    tags: String(row.tags).split(" ").filter(Boolean),
    latest: row.latest ?? null,
    downloads: Number(row.downloads),
    rating: {
      average: Math.round(Number(row.rating) * 100) / 100,
      count: Number(row.rating_count),
    },
    featured: Number(row.featured) > 0,
    deprecated: row.deprecated ?? null,
    banned: row.banned_at !== null,
    versions,
  };
}

/**
 * Plugin `id` in the registry index format (what `plugd plugin install` resolves from):
 * published, unbanned versions with absolute download URLs; yanked ones carry `yanked: true`
 * (resolvable only by exact version), deprecated ones their message.
 */
export async function indexFragment(
  store: Store,
  id: string,
  baseUrl: string,
): Promise<IndexPlugin & { deprecated: string | null }> {
  const { row } = await visiblePlugin(store, id);
  const rs = await store.execute({
    sql: `SELECT version, sha256, plugd, build, dependencies, conflicts, key_id, yanked_at,
            deprecated, permissions FROM versions
          WHERE plugin_id = ? AND status = 'published' AND banned_at IS NULL`,
    args: [id],
  });
  const versions: Record<string, IndexVersion> = {};
  for (const v of rs.rows) {
    const version = String(v.version);
    versions[version] = {
      url: new URL(
        `/api/v1/plugins/${id}/versions/${encodeURIComponent(version)}/download`,
        baseUrl,
      ).href,
      sha256: String(v.sha256),
      plugd: String(v.plugd),
      build: Number(v.build),
      dependencies: JSON.parse(String(v.dependencies)),
      conflicts: JSON.parse(String(v.conflicts)),
      key_id: String(v.key_id),
      permissions: JSON.parse(String(v.permissions)),
      ...(v.yanked_at !== null ? { yanked: true } : {}),
      ...(v.deprecated !== null ? { deprecated: String(v.deprecated) } : {}),
    };
  }
  return {
    description: String(row.description),
    categories: JSON.parse(String(row.categories)),
    tags: String(row.tags).split(" ").filter(Boolean),
    deprecated: row.deprecated === null ? null : String(row.deprecated),
    versions,
  };
}

/**
 * The archive of `id@version` for download, counting it (per version and per plugin). Yanked
 * versions stay downloadable by exact version; banned ones and unknown versions are 404.
 */
export async function takeDownload(
  store: Store,
  packagesDir: string,
  id: string,
  version: string,
): Promise<{ path: string; size: number; sha256: string }> {
  await visiblePlugin(store, id);
  const rs = await store.execute({
    sql: `SELECT size, sha256 FROM versions WHERE plugin_id = ? AND version = ?
            AND status = 'published' AND banned_at IS NULL`,
    args: [id, version],
  });
  const row = rs.rows[0];
  if (!row) throw new HttpError(404, `No version ${version} of "${id}" to download`);
  await store.write(() => ({
    statements: [
      {
        sql: "UPDATE versions SET downloads = downloads + 1 WHERE plugin_id = ? AND version = ?",
        args: [id, version],
      },
      { sql: "UPDATE plugins SET downloads = downloads + 1 WHERE id = ?", args: [id] },
    ],
  }));
  return {
    path: join(packagesDir, id, `${id}-${version}.tgz`),
    size: Number(row.size),
    sha256: String(row.sha256),
  };
}
