/**
 * Checks a desired plugin against its real package before anything changes: the version
 * resolves in the named registry, the archive verifies (signature by a trusted key, every
 * digest), the grant equals the package's request, and the config fits its schema. Used by
 * `fleet apply` (before writing) and by every host (before installing).
 */
import { join } from "node:path";
import type { Config, RegistrySource } from "../config/mod.ts";
import { loadPluginDir, type Manifest, type Permissions } from "../manifest/mod.ts";
import { describeDiff, diffPermissions, permissionsEqual } from "../permissions/mod.ts";
import { validateConfigValues } from "../plugins/mod.ts";
import { fetchPackage, resolvePlan, sourcesLookup } from "../registry/mod.ts";
import { extractPackage, verifyPackage } from "../signing/mod.ts";
import type { Store } from "../store/mod.ts";
import { VERSION } from "../version.ts";

/** What a check needs from the daemon. */
export interface CheckContext {
  store: Store;
  config: Config;
  /** A folder for temporary downloads (the state dir's `incoming`). */
  workDir: string;
}

/** The registry a fleet entry names, as this host knows it (its configured name and key). */
export function registrySource(config: Config, url: string): RegistrySource {
  const trimmed = url.replace(/\/+$/, "");
  const known = config.registries.find((r) => r.url.replace(/\/+$/, "") === trimmed);
  if (known) return known;
  const isIndex = trimmed.startsWith("/") || /\.json$/i.test(trimmed);
  const host = trimmed.startsWith("/") ? "local" : new URL(trimmed).host;
  return {
    name: `fleet:${host}`,
    url: trimmed,
    kind: isIndex ? "index" : "server",
    advisoryKey: null,
  };
}

/** Resolves `range` for `id` in `registry` to the version an install would pick. */
export async function resolveVersion(
  ctx: CheckContext,
  id: string,
  range: string,
  registry: string,
): Promise<string> {
  const source = registrySource(ctx.config, registry);
  const lookup = sourcesLookup([source], { timeoutMs: ctx.config.registryTimeoutMs });
  const plan = await resolvePlan(lookup, `${id}@${range}`, VERSION, new Map());
  return plan.find((s) => s.id === id)!.version;
}

/**
 * Fetches `id@version` from `registry`, verifies it as an install would, and returns its
 * manifest. Throws with the registry's or the verifier's message.
 */
export async function fetchManifest(
  ctx: CheckContext,
  id: string,
  version: string,
  registry: string,
): Promise<Manifest> {
  return (await fetchChecked(ctx, id, version, registry)).manifest;
}

/** A verified archive kept for the install that follows its check (so it is fetched once). */
export interface KeptArchive {
  /** The registry index's sha256 of the archive. */
  sha256: string;
  path: string;
}

/**
 * {@linkcode fetchManifest}, keeping the verified archive in `keepDir` (as `<sha256>.tgz`) when
 * given, for the install to use instead of downloading it again.
 */
export async function fetchChecked(
  ctx: CheckContext,
  id: string,
  version: string,
  registry: string,
  keepDir?: string,
): Promise<{ manifest: Manifest; archive: KeptArchive | null }> {
  const source = registrySource(ctx.config, registry);
  const lookup = sourcesLookup([source], { timeoutMs: ctx.config.registryTimeoutMs });
  const plan = await resolvePlan(lookup, `${id}@${version}`, VERSION, new Map());
  const step = plan.find((s) => s.id === id)!;
  const work = await Deno.makeTempDir({ dir: ctx.workDir, prefix: "fleet-" });
  try {
    const archive = join(work, `${id}-${version}.tgz`);
    await fetchPackage(step.entry, step.indexLocation, archive, {
      timeoutMs: ctx.config.registryTimeoutMs,
    });
    const { dir } = await extractPackage(archive, join(work, "pkg"));
    await verifyPackage(ctx.store, dir, { dev: ctx.config.dev, allowDowngrade: true });
    const { manifest } = await loadPluginDir(dir);
    if (manifest.id !== id || manifest.version !== version) {
      throw new Error(`the archive holds ${manifest.id}@${manifest.version}, not ${id}@${version}`);
    }
    if (!keepDir) return { manifest, archive: null };
    await Deno.mkdir(keepDir, { recursive: true, mode: 0o700 });
    const kept = join(keepDir, `${step.entry.sha256}.tgz`);
    await Deno.rename(archive, kept);
    return { manifest, archive: { sha256: step.entry.sha256, path: kept } };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Why `grant` is not exactly what `manifest` requests, or null when it is. */
export function grantMismatch(manifest: Manifest, grant: Permissions): string | null {
  if (permissionsEqual(manifest.permissions, grant)) return null;
  const diff = describeDiff(diffPermissions(manifest.permissions, grant));
  return `the grant must equal what ${manifest.id}@${manifest.version} requests; ` +
    `differences: ${diff}`;
}

/** Walks a `/`-separated config path and sets `value`, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split("/");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = node[part] = typeof next === "object" && next !== null && !Array.isArray(next)
      ? next as Record<string, unknown>
      : {};
  }
  node[parts.at(-1)!] = value;
}

/** Whether `path` names a `secret: true` field of the schema. */
function isSecretPath(manifest: Manifest, path: string): boolean {
  // deno-lint-ignore no-explicit-any
  let node: any = manifest.config;
  for (const part of path.split("/")) node = node?.properties?.[part];
  return node?.secret === true;
}

/**
 * Problems of `config` + `secrets` against the manifest's schema. Secret fields must come from
 * `secrets:` (never plain in the desired state), and `secrets:` may only name secret fields.
 * `secretValues` are the values resolved on a host; without them (at apply) a placeholder
 * stands in, so only the other fields' rules are judged.
 */
export function configMismatch(
  manifest: Manifest,
  config: Record<string, unknown>,
  secrets: Record<string, unknown>,
  secretValues?: Record<string, string>,
): string | null {
  const problems: string[] = [];
  for (const path of Object.keys(secrets)) {
    if (!isSecretPath(manifest, path)) {
      problems.push(`secrets.${path}: ${manifest.id} has no secret setting "${path}"`);
    }
  }
  const values = structuredClone(config);
  const plainSecrets = (node: unknown, at: string): void => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node)) {
      const path = at ? `${at}/${k}` : k;
      if (isSecretPath(manifest, path)) {
        problems.push(
          `config.${path} is a secret: give it under secrets: {from: env, name: VARIABLE} so ` +
            "it is never stored in plain text",
        );
      } else plainSecrets(v, path);
    }
  };
  plainSecrets(config, "");
  for (const path of Object.keys(secrets)) setPath(values, path, secretValues?.[path] ?? null);
  const result = validateConfigValues(manifest.config, values);
  for (const p of result.problems) {
    const path = p.field.replace(/^\//, "");
    if (!secretValues && Object.hasOwn(secrets, path)) continue; // judged on the hosts
    problems.push(`config${p.field || ""}: ${p.message}`);
  }
  return problems.length ? problems.join("; ") : null;
}
