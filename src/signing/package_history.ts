/** History of installed package builds, for rollback protection. */
import type { InStatement } from "@libsql/client";
import * as semver from "semver";
import type { Store } from "../store/mod.ts";
import type { PackageManifest } from "./package_manifest.ts";

/** The highest signed (version, build) ever installed for a plugin id. */
export interface InstalledBuild {
  version: string;
  build: number;
}

/**
 * The highest signed version/build ever recorded for `id`, or null. Unsigned dev installs are
 * recorded but never count here.
 */
export async function highestInstalledBuild(
  store: Store,
  id: string,
): Promise<InstalledBuild | null> {
  const rs = await store.execute({
    sql: "SELECT version, build FROM package_history WHERE id = ? AND signed = 1",
    args: [id],
  });
  let best: InstalledBuild | null = null;
  for (const row of rs.rows) {
    const candidate = { version: String(row.version), build: Number(row.build) };
    if (!best || compareBuilds(candidate, best) > 0) best = candidate;
  }
  return best;
}

/** Orders (version, build) pairs: semver first, then build. */
export function compareBuilds(a: InstalledBuild, b: InstalledBuild): number {
  const byVersion = semver.compare(a.version, b.version);
  return byVersion !== 0 ? byVersion : Math.sign(a.build - b.build);
}

/**
 * The INSERT recording an installed package; include it in the install's write batch.
 *
 * @example
 * ```ts
 * const statement = recordInstalledBuild(manifest, keyId);
 * ```
 */
export function recordInstalledBuild(
  manifest: Pick<PackageManifest, "id" | "version" | "build">,
  keyId: string | null,
  installedAt: string = new Date().toISOString(),
): InStatement {
  return {
    sql: `INSERT INTO package_history (id, version, build, signed, key_id, installed_at)
          VALUES (?, ?, ?, ?, ?, ?)`,
    args: [manifest.id, manifest.version, manifest.build, keyId ? 1 : 0, keyId, installedAt],
  };
}
