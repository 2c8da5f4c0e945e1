import { join, resolve } from "node:path";
import { fetchPackage, loadIndex, parseRef, resolveInstall } from "../registry/mod.ts";
import { extractPackage, recordInstalledBuild, verifyPackage } from "../signing/mod.ts";
import { VERSION } from "../version.ts";
import { ConflictError } from "./errors.ts";
import type { InstallSource } from "./install_plugin.ts";
import type { PluginContext } from "./plugin_context.ts";
import { listPlugins } from "./repository.ts";

/** Options shared by install and update. */
export interface SourceOptions {
  allowDowngrade?: boolean;
}

/** A registry reference such as `slack-notify@^1.2`. */
const REF = /^[a-z0-9][a-z0-9-]{1,62}@\S+$/;

/**
 * Turns what the operator named into a verified folder, runs `use` on it, and cleans up:
 * - a `.tgz`: extracted safely, signature and every digest verified (unsigned: dev mode only);
 * - `name@range`: resolved in the configured registries, dependencies installed first
 *   (through `installDependency`), each archive's sha256 checked before it is read;
 * - a plain folder: an unsigned dev install, refused outside dev mode.
 */
export async function resolveSource<T>(
  ctx: PluginContext,
  source: string,
  options: SourceOptions,
  use: (resolved: InstallSource) => Promise<T>,
  installDependency?: (resolved: InstallSource) => Promise<unknown>,
): Promise<T> {
  if (REF.test(source)) return await fromRegistry(ctx, source, options, use, installDependency);
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
    return await use({ dir: path, label: path, signedBy: null });
  }
  if (info?.isFile) return await fromArchive(ctx, path, path, options, use);
  throw new ConflictError(
    `Cannot install from "${source}": no such file or folder (give an absolute path to a ` +
      "plugin folder or .tgz, or name@range for a registry)",
  );
}

async function fromArchive<T>(
  ctx: PluginContext,
  archive: string,
  label: string,
  options: SourceOptions,
  use: (resolved: InstallSource) => Promise<T>,
): Promise<T> {
  const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "pkg-" });
  try {
    const { dir } = await extractPackage(archive, join(work, "pkg"));
    const { manifest, keyId } = await verifyPackage(ctx.store, dir, {
      dev: ctx.config.dev,
      allowDowngrade: options.allowDowngrade ?? false,
    });
    return await use({
      dir,
      label,
      signedBy: keyId,
      statements: [recordInstalledBuild(manifest, keyId)],
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
  if (ctx.config.registries.length === 0) {
    throw new ConflictError(
      `Cannot resolve "${ref}": no registry is configured; set PLUGD_REGISTRIES or "registries" in plugd.yaml`,
    );
  }
  const timeoutMs = ctx.config.registryTimeoutMs;
  const indexes = await Promise.all(ctx.config.registries.map((r) => loadIndex(r, { timeoutMs })));
  const installed = new Map((await listPlugins(ctx.store)).map((p) => [p.id, p.version]));
  const plan = resolveInstall(indexes, ref, VERSION, installed);
  const root = parseRef(ref).id;
  let result: T | undefined;
  for (const step of plan) {
    if (installed.get(step.id) === step.version) continue;
    const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "fetch-" });
    try {
      const archive = join(work, `${step.id}-${step.version}.tgz`);
      await fetchPackage(step.entry, step.indexLocation, archive, { timeoutMs });
      const label = `${step.id}@${step.version} (${step.indexLocation})`;
      if (step.id === root) {
        result = await fromArchive(ctx, archive, label, options, use);
      } else if (installDependency) {
        await fromArchive(ctx, archive, label, options, installDependency);
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
