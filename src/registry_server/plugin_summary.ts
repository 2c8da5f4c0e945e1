/**
 * A plugin's listing row follows its versions: the latest visible version decides what search
 * shows (name, description, risk, permission kinds) and whether the plugin is listed at all.
 */
import type { InStatement } from "@libsql/client";
import * as semver from "semver";
import { maxRiskOf, permissionKinds, riskRank } from "../registry/mod.ts";
import type { Permissions } from "../manifest/mod.ts";
import type { Store } from "../store/mod.ts";
import { KIND_BITS } from "./migrations/002_listing_indexes.ts";

/** A visible version: published, not yanked, not banned. */
const VISIBLE = "status = 'published' AND yanked_at IS NULL AND banned_at IS NULL";

/** Permission kinds a version asks for, space-separated (`net read`), as the listing keeps them. */
function kindsText(permissions: Permissions): string {
  return permissionKinds(permissions).join(" ");
}

/**
 * Whether a plugin row is listed (searchable, resolvable): a visible version, not banned, an
 * active publisher. Kept in the `listed` column, which the browse indexes start with.
 */
export const LISTED_SQL = `(latest IS NOT NULL AND banned_at IS NULL AND EXISTS (
  SELECT 1 FROM publishers u WHERE u.name = plugins.publisher AND u.status = 'active'))`;

/** `listed` where `latest` is being set in the same UPDATE (SET reads the old row's values). */
const LISTED_WITH_LATEST = `(banned_at IS NULL AND EXISTS (
  SELECT 1 FROM publishers u WHERE u.name = plugins.publisher AND u.status = 'active'))`;

/** The statement that recomputes `listed` for plugin `id` (after a ban or unban). */
export function relistStatement(id: string): InStatement {
  return { sql: `UPDATE plugins SET listed = ${LISTED_SQL} WHERE id = ?`, args: [id] };
}

/** The statement that recomputes `listed` for every plugin of `publisher` (status changed). */
export function relistPublisherStatement(publisher: string): InStatement {
  return {
    sql: `UPDATE plugins SET listed = ${LISTED_SQL} WHERE publisher = ?`,
    args: [publisher],
  };
}

/** The `permission_mask` of a list of kinds (bits in KIND_BITS). */
export function permissionMask(kinds: readonly string[]): number {
  return kinds.reduce((mask, kind) => mask | (KIND_BITS[kind] ?? 0), 0);
}

/** The columns of a version the listing is made from (a row not yet inserted may be added). */
export interface VersionFacts {
  version: string;
  /** plugin.yaml as JSON. */
  manifest: string;
  /** Requested permissions as JSON. */
  permissions: string;
  published_at: string;
}

/**
 * The UPDATE that refreshes plugin `id`'s listing from its highest visible version (stable
 * first; a plugin with only prereleases lists its highest prerelease). With no visible version
 * `latest` becomes NULL and the plugin leaves search. Run inside `store.write()`; `adjust`
 * describes a version the same batch makes visible (`add`) or hides (`drop`).
 */
export async function refreshPluginStatement(
  store: Store,
  id: string,
  adjust: { add?: VersionFacts | VersionFacts[]; drop?: string } = {},
): Promise<InStatement> {
  const rs = await store.execute({
    sql: `SELECT version, manifest, permissions, published_at FROM versions
          WHERE plugin_id = ? AND ${VISIBLE}`,
    args: [id],
  });
  const rows: VersionFacts[] = rs.rows.map((r) => ({
    version: String(r.version),
    manifest: String(r.manifest),
    permissions: String(r.permissions),
    published_at: String(r.published_at),
  }));
  if (adjust.add) rows.push(...[adjust.add].flat());
  rows.splice(
    0,
    rows.length,
    ...rows.filter((r) => semver.valid(r.version) && r.version !== adjust.drop),
  );
  rows.sort((a, b) => semver.rcompare(a.version, b.version));
  const latest = rows.find((r) => semver.prerelease(r.version) === null) ?? rows[0];
  if (!latest) {
    return { sql: "UPDATE plugins SET latest = NULL, listed = 0 WHERE id = ?", args: [id] };
  }
  const manifest = JSON.parse(latest.manifest);
  const permissions = JSON.parse(latest.permissions) as Permissions;
  const risk = maxRiskOf(permissions);
  return {
    sql: `UPDATE plugins SET latest = ?, name = ?, description = ?, max_risk = ?, risk_rank = ?,
            permission_kinds = ?, permission_mask = ?, updated_at = ?,
            listed = ${LISTED_WITH_LATEST} WHERE id = ?`,
    args: [
      latest.version,
      String(manifest.name ?? id),
      String(manifest.description ?? ""),
      risk,
      riskRank(risk),
      kindsText(permissions),
      permissionMask(permissionKinds(permissions)),
      latest.published_at,
      id,
    ],
  };
}
