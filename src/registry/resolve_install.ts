/** Resolving `id@range` against registries into an ordered install plan. */
import * as semver from "semver";
import type { FoundPlugin } from "./sources.ts";
import { type LoadedIndex, type PlanStep, RegistryError } from "./types.ts";

/**
 * Splits `slack-notify@^1.2` into id and range. A bare id and `@latest` mean `*`: the highest
 * stable version (prereleases only when the range names one).
 */
export function parseRef(ref: string): { id: string; range: string } {
  const at = ref.indexOf("@", 1);
  const id = at === -1 ? ref : ref.slice(0, at);
  const tag = at === -1 ? "*" : ref.slice(at + 1);
  const range = tag === "latest" ? "*" : tag;
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) {
    throw new RegistryError("bad_ref", `"${ref}" is not a plugin reference like slack-notify@^1.2`);
  }
  if (semver.validRange(range) === null) {
    throw new RegistryError("bad_ref", `"${range}" in "${ref}" is not a semver range or "latest"`);
  }
  return { id, range };
}

/** Finds a plugin in the registries (first that lists it), or null. */
export type PluginLookup = (id: string) => Promise<FoundPlugin | null>;

/** Options of {@link resolvePlan}. */
export interface ResolveOptions {
  /**
   * Why a version must not be picked (e.g. an advisory disables it), or null. Such versions
   * are skipped as if unlisted.
   */
  blocked?: (id: string, version: string, registry: string) => Promise<string | null>;
}

/**
 * Resolves `ref` to an install plan, dependencies first. For each plugin picks the highest
 * version that matches the range, is not yanked (unless the range is that exact version), is
 * not blocked, and whose `plugd` range accepts `hostVersion`; an installed plugin that
 * satisfies a dependency range is kept. Throws RegistryError: `unknown_plugin`,
 * `no_matching_version` (listing the available ones), `no_compatible_version`,
 * `unsatisfiable_dependency`, `dependency_cycle` (naming the cycle), `conflict`.
 *
 * @example
 * ```ts
 * const plan = await resolvePlan(lookup, "slack-notify@^1.2", "0.1.0", new Map());
 * ```
 */
export async function resolvePlan(
  lookup: PluginLookup,
  ref: string,
  hostVersion: string,
  installed: ReadonlyMap<string, string>,
  options: ResolveOptions = {},
): Promise<PlanStep[]> {
  const root = parseRef(ref);
  const plan: PlanStep[] = [];
  const chosen = new Map<string, PlanStep>();

  const visit = async (id: string, range: string, path: string[], reason: string) => {
    if (path.includes(id)) {
      throw new RegistryError(
        "dependency_cycle",
        `Dependency cycle: ${[...path.slice(path.indexOf(id)), id].join(" -> ")}; ` +
          "a plugin cannot (indirectly) depend on itself: fix the dependencies",
      );
    }
    const picked = chosen.get(id);
    if (picked) {
      if (!semver.satisfies(picked.version, range)) {
        throw new RegistryError(
          "unsatisfiable_dependency",
          `${reason} needs ${id}@${range}, but the plan already picked ${id}@${picked.version}`,
        );
      }
      return;
    }
    const have = installed.get(id);
    if (have !== undefined && path.length > 0) {
      if (semver.satisfies(have, range)) return;
      throw new RegistryError(
        "unsatisfiable_dependency",
        `${reason} needs ${id}@${range}, but ${id}@${have} is installed; update it first`,
      );
    }
    const found = await lookup(id);
    const step = await pick(found, id, range, hostVersion, reason, path.length > 0, options);
    chosen.set(id, step);
    for (const [dep, depRange] of Object.entries(step.entry.dependencies)) {
      await visit(dep, depRange, [...path, id], `${id}@${step.version}`);
    }
    plan.push(step);
  };
  await visit(root.id, root.range, [], "requested");
  checkConflicts(plan, installed);
  return plan;
}

/**
 * {@link resolvePlan} over loaded indexes (the first index listing an id is where it
 * resolves).
 */
export function resolveInstall(
  indexes: readonly LoadedIndex[],
  ref: string,
  hostVersion: string,
  installed: ReadonlyMap<string, string>,
  options: ResolveOptions = {},
): Promise<PlanStep[]> {
  const lookup: PluginLookup = (id) => {
    const hit = indexes.find((i) => i.index.plugins[id]);
    return Promise.resolve(
      hit
        ? { registry: hit.location, location: hit.location, plugin: hit.index.plugins[id]! }
        : null,
    );
  };
  return resolvePlan(lookup, ref, hostVersion, installed, options);
}

async function pick(
  found: FoundPlugin | null,
  id: string,
  range: string,
  host: string,
  reason: string,
  isDependency: boolean,
  options: ResolveOptions,
): Promise<PlanStep> {
  const needer = isDependency ? `${reason} depends on ${id}, but ` : "";
  const exact = semver.valid(range) !== null;
  const listed = Object.entries(found?.plugin.versions ?? {}).filter(([v]) => semver.valid(v));
  if (!found || listed.length === 0) {
    throw new RegistryError(
      isDependency ? "unsatisfiable_dependency" : "unknown_plugin",
      `${needer}no registry lists a plugin "${id}"; check the name or add its registry`,
    );
  }
  const skipped: string[] = [];
  const candidates = [];
  for (const [version, entry] of listed) {
    if (entry.yanked && !exact) {
      skipped.push(`${version} (yanked)`);
      continue;
    }
    const why = await options.blocked?.(id, version, found.registry);
    if (why) {
      skipped.push(`${version} (${why})`);
      continue;
    }
    candidates.push({ version, entry });
  }
  candidates.sort((a, b) => semver.rcompare(a.version, b.version));
  const matching = candidates.filter((c) => semver.satisfies(c.version, range));
  if (matching.length === 0) {
    throw new RegistryError(
      isDependency ? "unsatisfiable_dependency" : "no_matching_version",
      `${needer}no version of ${id} matches ${range}; available: ${
        candidates.map((c) => c.version).join(", ") || "none"
      }${skipped.length ? `; skipped: ${skipped.join(", ")}` : ""}`,
    );
  }
  const compatible = matching.find((c) =>
    semver.satisfies(host, c.entry.plugd, { includePrerelease: true })
  );
  if (!compatible) {
    throw new RegistryError(
      isDependency ? "unsatisfiable_dependency" : "no_compatible_version",
      `${needer}no version of ${id} matching ${range} works with plugd ${host}: ` +
        matching.map((c) => `${c.version} needs plugd ${c.entry.plugd}`).join("; "),
    );
  }
  const deprecated = compatible.entry.deprecated ?? found.plugin.deprecated ?? null;
  return {
    id,
    version: compatible.version,
    entry: compatible.entry,
    indexLocation: found.location,
    registry: found.registry,
    deprecated,
    reason: isDependency ? `dependency of ${reason}` : "requested",
  };
}

function checkConflicts(plan: PlanStep[], installed: ReadonlyMap<string, string>): void {
  const planned = new Set(plan.map((s) => s.id));
  const present = new Set([...installed.keys(), ...planned]);
  for (const step of plan) {
    for (const other of step.entry.conflicts) {
      if (other !== step.id && present.has(other)) {
        const where = planned.has(other) ? "is also in this install plan" : "is installed";
        throw new RegistryError(
          "conflict",
          `${step.id}@${step.version} conflicts with ${other}, which ${where}; remove one of them`,
        );
      }
    }
  }
  // Installed plugins may declare conflicts too, but their manifests live in the daemon's
  // store: the lifecycle's own conflict check covers that direction.
}
