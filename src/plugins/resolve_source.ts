import { join, resolve } from "node:path";
import type { RegistrySource } from "../config/mod.ts";
import { parseManifest } from "../manifest/mod.ts";
import {
  blockingAdvisory,
  clearOriginStatement,
  fetchPackage,
  originOf,
  originStatement,
  parseRef,
  type PlanStep,
  type RegistryErrors,
  resolvePlan,
  sourcesLookup,
} from "../registry/mod.ts";
import { extractPackage, recordInstalledBuild, verifyPackage } from "../signing/mod.ts";
import { VERSION } from "../version.ts";
import { stagePackage } from "../bundle/mod.ts";
import { ConflictError } from "./errors.ts";
import type { InstallSource } from "./install_plugin.ts";
import type { PluginContext } from "./plugin_context.ts";
import { listPlugins } from "./repository.ts";

/** Options shared by install and update. */
export interface SourceOptions {
  allowDowngrade?: boolean;
  /**
   * Resolve registry references in these registries instead of the configured ones (the fleet
   * installs from the registry its desired state names). @default the configured registries
   */
  registries?: RegistrySource[];
  /**
   * Archives already fetched and verified against the registry index, by the index's sha256: used
   * instead of downloading them again (the fleet checks a package before it installs it).
   * @default none
   */
  archives?: ReadonlyMap<string, string>;
}

/**
 * A registry reference: a bare plugin id (`slack-notify` = its latest version), `id@latest`
 * or `id@<semver range>`. Local folders and files need a `/` (`./slack-notify`) or `.tgz`.
 */
const REF = /^[a-z0-9][a-z0-9-]{1,62}(@\S+)?$/;

/** Whether `source` names a registry plugin rather than a file or folder. */
export function isRegistryRef(source: string): boolean {
  return REF.test(source);
}

/**
 * Turns what the operator named into a verified folder, runs `use` on it, and cleans up:
 * - a `.tgz`: extracted safely, signature and every digest verified (unsigned: dev mode only);
 * - `name`, `name@latest` or `name@range`: resolved in the configured registries (the first
 *   reachable one listing the name), dependencies installed first (through
 *   `installDependency`), each archive's sha256 checked before it is read;
 * - a plain folder: an unsigned dev install, refused outside dev mode.
 */
export async function resolveSource<T>(
  ctx: PluginContext,
  source: string,
  options: SourceOptions,
  use: (resolved: InstallSource) => Promise<T>,
  installDependency?: (resolved: InstallSource) => Promise<unknown>,
): Promise<T> {
  if (isRegistryRef(source)) {
    return await fromRegistry(ctx, source, options, use, installDependency);
  }
  const path = resolve(source);
  const info = await Deno.stat(path).catch(() => null);
  if (info?.isDirectory) {
    if (!ctx.config.dev) {
      throw new ConflictError(
        `Installing from a plain folder (${path}) is allowed only in dev mode; ` +
          `sign a package with "plugd plugin pack ${source} --sign KEY" and install the .tgz, ` +
          `or run the daemon with --dev`,
      );
    }
    const id = await manifestId(path);
    // Staged as pack stages it: npm dependencies bundled, authoring files left out.
    const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "dir-" });
    try {
      const staged = await stagePackage(path, join(work, "pkg"));
      return await use({
        dir: staged.dir,
        label: path,
        signedBy: null,
        statements: id ? [clearOriginStatement(id)] : [],
      });
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  }
  if (info?.isFile) return await fromArchive(ctx, path, path, options, use);
  throw new ConflictError(
    `Cannot install from "${source}": no such file or folder (give an absolute path to a ` +
      "plugin folder or .tgz, or a plugin name such as slack-notify@^1.2 for a registry)",
  );
}

async function manifestId(dir: string): Promise<string | null> {
  try {
    return parseManifest(await Deno.readTextFile(join(dir, "plugin.yaml"))).id;
  } catch {
    return null; // loadPluginDir reports the problem properly
  }
}

async function fromArchive<T>(
  ctx: PluginContext,
  archive: string,
  label: string,
  options: SourceOptions,
  use: (resolved: InstallSource) => Promise<T>,
  step?: PlanStep,
): Promise<T> {
  const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "pkg-" });
  try {
    const { dir } = await extractPackage(archive, join(work, "pkg"));
    const { manifest, keyId } = await verifyPackage(ctx.store, dir, {
      dev: ctx.config.dev,
      allowDowngrade: options.allowDowngrade ?? false,
    });
    if (step && (manifest.id !== step.id || manifest.version !== step.version)) {
      throw new ConflictError(
        `Registry "${step.registry}" listed ${step.id}@${step.version}, but the archive holds ` +
          `${manifest.id}@${manifest.version}; refused`,
      );
    }
    return await use({
      dir,
      label,
      signedBy: keyId,
      statements: [
        recordInstalledBuild(manifest, keyId),
        step
          ? originStatement(manifest.id, step.registry, manifest.version)
          : clearOriginStatement(manifest.id),
      ],
    });
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

async function fromRegistry<T>(
  ctx: PluginContext,
  ref: string,
  options: SourceOptions,
  use: (resolved: InstallSource) => Promise<T>,
  installDependency?: (resolved: InstallSource) => Promise<unknown>,
): Promise<T> {
  if ((options.registries ?? ctx.config.registries).length === 0) {
    throw new ConflictError(
      `Cannot resolve "${ref}": no registry is configured; set PLUGD_REGISTRIES or "registries" in plugd.yaml`,
    );
  }
  const timeoutMs = ctx.config.registryTimeoutMs;
  const errors: RegistryErrors = new Map();
  const installed = new Map((await listPlugins(ctx.store)).map((p) => [p.id, p.version]));
  const root = parseRef(ref).id;
  const plan = await resolvePlan(
    sourcesLookup(
      options.registries ?? await registriesFor(ctx, root, installed.has(root)),
      { timeoutMs, errors },
    ),
    ref,
    VERSION,
    installed,
    {
      blocked: async (id, version, registry) => {
        const advisory = await blockingAdvisory(ctx.store, id, version, registry);
        return advisory ? `advisory ${advisory.id}: ${advisory.title}` : null;
      },
    },
  );
  let result: T | undefined;
  for (const step of plan) {
    if (installed.get(step.id) === step.version) continue;
    const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "fetch-" });
    try {
      const archive = join(work, `${step.id}-${step.version}.tgz`);
      const fetched = options.archives?.get(step.entry.sha256);
      if (fetched) await Deno.copyFile(fetched, archive);
      else await fetchPackage(step.entry, step.indexLocation, archive, { timeoutMs });
      const label = `${step.id}@${step.version} from registry ${step.registry}`;
      if (step.id === root) {
        result = await fromArchive(ctx, archive, label, options, use, step);
        if (result && typeof result === "object") {
          // What the caller should know: where it came from, deprecation, skipped registries.
          Object.assign(result, {
            registry: step.registry,
            deprecated: step.deprecated,
            registry_errors: Object.fromEntries(errors),
          });
        }
      } else if (installDependency) {
        await fromArchive(ctx, archive, label, options, installDependency, step);
      } else {
        throw new ConflictError(`"${ref}" needs ${step.id}@${step.version} installed first`);
      }
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  }
  if (result === undefined) throw new ConflictError(`"${ref}" is already installed`);
  return result;
}

/**
 * Where `id` resolves: an installed plugin updates from the registry it came from (never from
 * another registry that happens to list the same id); anything else from every registry, in
 * priority order.
 */
async function registriesFor(
  ctx: PluginContext,
  id: string,
  isInstalled: boolean,
): Promise<RegistrySource[]> {
  const origin = isInstalled ? await originOf(ctx.store, id) : null;
  if (!origin) return ctx.config.registries;
  const source = ctx.config.registries.find((r) => r.name === origin);
  if (!source) {
    throw new ConflictError(
      `Plugin "${id}" came from registry "${origin}", which is no longer configured; add it ` +
        "back to registries, or update from a .tgz",
    );
  }
  return [source];
}
