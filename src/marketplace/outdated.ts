/**
 * Which installed plugins have updates: for each plugin installed from a registry, the highest
 * version that registry offers that is newer, stable, not yanked, compatible with this plugd
 * and not disabled by an advisory (`latest`), the highest its auto-update policy allows
 * (`wanted`), and the permission change each would bring.
 */
import * as semver from "semver";
import type { Permissions } from "../manifest/mod.ts";
import { describeDiff, diffPermissions, isWidening } from "../permissions/mod.ts";
import {
  allOrigins,
  blockingAdvisory,
  type IndexPlugin,
  lookupPlugin,
  policyAllows,
  updatePolicies,
  type UpdatePolicy,
} from "../registry/mod.ts";
import { VERSION } from "../version.ts";
import type { MarketplaceHost } from "./types.ts";

/** A candidate version and what installing it would change. */
export interface UpdateTarget {
  version: string;
  /** `describeDiff` of requested permissions, e.g. `+net:api.example.com:443`; "" when equal. */
  permissions_diff: string;
  /** Whether it asks for more than was granted (then it waits for a grant); null if unknown. */
  widening: boolean | null;
  permissions: Permissions | null;
  deprecated: string | null;
}

/** One installed plugin's update state. */
export interface UpdateInfo {
  id: string;
  installed: string;
  state: string;
  registry: string;
  policy: UpdatePolicy;
  /** Highest eligible version, or null when up to date. */
  latest: UpdateTarget | null;
  /** Highest version the policy would apply on its own, or null. */
  wanted: UpdateTarget | null;
}

/** What a check found, and per-registry failures. */
export interface UpdateCheck {
  updates: UpdateInfo[];
  errors: { registry: string; plugin?: string; message: string }[];
}

/**
 * Checks every plugin installed from a registry (or only `ids`).
 *
 * @example
 * ```ts
 * const { updates } = await checkUpdates(host);
 * ```
 */
export async function checkUpdates(
  host: MarketplaceHost,
  options: { ids?: string[] } = {},
): Promise<UpdateCheck> {
  const { store, config } = host;
  const origins = await allOrigins(store);
  const policies = await updatePolicies(store);
  const result: UpdateCheck = { updates: [], errors: [] };
  const rs = await store.execute("SELECT id, version, state, manifest FROM plugins ORDER BY id");
  const grants = await store.execute("SELECT plugin_id, permissions FROM grants");
  const granted = new Map(
    grants.rows.map((r) => [String(r.plugin_id), JSON.parse(String(r.permissions))]),
  );
  for (const row of rs.rows) {
    const id = String(row.id);
    if (options.ids && !options.ids.includes(id)) continue;
    const registry = origins.get(id);
    if (!registry) continue;
    const source = config.registries.find((r) => r.name === registry);
    if (!source) {
      result.errors.push({
        registry,
        plugin: id,
        message: `registry "${registry}" (where ${id} came from) is no longer configured`,
      });
      continue;
    }
    let found;
    try {
      found = await lookupPlugin(source, id, { timeoutMs: config.registryTimeoutMs });
    } catch (error) {
      result.errors.push({ registry, plugin: id, message: (error as Error).message });
      continue;
    }
    const installed = String(row.version);
    const manifest = JSON.parse(String(row.manifest)) as { permissions: Permissions };
    const policy = policies.get(id) ?? "off";
    const eligible = found
      ? await eligibleVersions(host, found.plugin, id, installed, registry)
      : [];
    const target = (version: string | undefined): UpdateTarget | null => {
      if (!version) return null;
      const entry = found!.plugin.versions[version]!;
      const permissions = entry.permissions ?? null;
      return {
        version,
        permissions,
        permissions_diff: permissions
          ? describeDiff(diffPermissions(manifest.permissions, permissions))
          : "unknown (the registry lists no permissions)",
        widening: permissions ? isWidening(granted.get(id) ?? {}, permissions) : null,
        deprecated: entry.deprecated ?? found!.plugin.deprecated ?? null,
      };
    };
    result.updates.push({
      id,
      installed,
      state: String(row.state),
      registry,
      policy,
      latest: target(eligible[0]),
      wanted: target(eligible.find((v) => policyAllows(policy, installed, v))),
    });
  }
  return result;
}

/** Newer, stable, listed (not yanked), host-compatible, advisory-free versions, highest first. */
async function eligibleVersions(
  host: MarketplaceHost,
  plugin: IndexPlugin,
  id: string,
  installed: string,
  registry: string,
): Promise<string[]> {
  const out: string[] = [];
  const versions = Object.keys(plugin.versions).filter((v) => semver.valid(v))
    .sort(semver.rcompare);
  for (const version of versions) {
    const entry = plugin.versions[version]!;
    if (!semver.gt(version, installed) || semver.prerelease(version) !== null) continue;
    if (entry.yanked) continue;
    if (!semver.satisfies(VERSION, entry.plugd, { includePrerelease: true })) continue;
    if (await blockingAdvisory(host.store, id, version, registry)) continue;
    out.push(version);
  }
  return out;
}
