import { isAbsolute, resolve } from "node:path";
import * as semver from "semver";
import { auditStatement } from "../audit/mod.ts";
import { loadPluginDir, type Manifest } from "../manifest/mod.ts";
import { assessRisks, grantProblems, type Risk } from "../permissions/mod.ts";
import { VERSION } from "../version.ts";
import { removePackage, stageVersion } from "./copy_package.ts";
import { crashPoint } from "./crash_point.ts";
import { ConflictError } from "./errors.ts";
import type { PluginContext } from "./plugin_context.ts";
import { pluginPaths } from "./plugin_paths.ts";
import { withPluginLock } from "./plugin_locks.ts";
import { findPlugin, listPluginNames, upsertPluginStatement } from "./repository.ts";
import { PermissionError } from "../permissions/mod.ts";

/** What an install reports: the plugin and the permissions it asks for, with their risks. */
export interface InstallResult {
  id: string;
  version: string;
  state: "installed";
  requested: Manifest["permissions"];
  risks: Risk[];
  signed_by: string | null;
}

/** Where the files to install come from, after any archive was extracted and verified. */
export interface InstallSource {
  /** Folder holding plugin.yaml (a local folder, or an extracted package). */
  dir: string;
  /** What the operator named (path, archive, registry ref), recorded as the plugin's source. */
  label: string;
  /** Signing key id, or null for an unsigned dev install. */
  signedBy: string | null;
  /** Extra statements for the install batch (e.g. the package build history). */
  statements?: import("@libsql/client").InStatement[];
}

/**
 * Installs a plugin folder: validate the manifest and package, check host compatibility,
 * dependencies and conflicts, copy into the store read-only, prepare (bootstrap, graph check,
 * cache), record the digest, and audit — all before the row exists, so a failed install leaves
 * nothing behind (and a crash before the row's batch leaves files the next start sweeps away).
 */
export async function installPlugin(
  ctx: PluginContext,
  source: InstallSource,
  actor: string,
): Promise<InstallResult> {
  const dir = isAbsolute(source.dir) ? source.dir : resolve(source.dir);
  const { manifest, files } = await loadPluginDir(dir);
  // One install of an id at a time: a concurrent second one finds the first installed (409).
  return await withPluginLock(ctx.locks, manifest.id, async () => {
    await checkInstallable(ctx, manifest);
    const paths = pluginPaths(ctx.layout, ctx.config, manifest.id, manifest.version);
    const problems = grantProblems(manifest.permissions, paths);
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new PermissionError(
        first.field,
        `${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      );
    }
    try {
      const digest = await stageVersion(paths, dir, files, {
        entry: manifest.entry,
        sandbox: ctx.runtime.sandbox,
        manifest,
        // A type check is the author's quality gate, not a wall: a signed package had it at
        // `plugd plugin pack`; a dev folder gets it here (cached by content).
        typeCheck: source.signedBy === null,
      });
      crashPoint("install.staged");
      const now = new Date().toISOString();
      await ctx.store.write(async () => ({
        statements: [
          upsertPluginStatement({
            id: manifest.id,
            version: manifest.version,
            state: "installed",
            manifest,
            source: source.label,
            digest,
            signedBy: source.signedBy,
            failedReason: null,
            installedAt: now,
            updatedAt: now,
          }),
          { sql: "DELETE FROM grants WHERE plugin_id = ?", args: [manifest.id] },
          ...(source.statements ?? []),
          await auditStatement(ctx.store, {
            actor,
            action: "plugin.install",
            target: manifest.id,
            result: "ok",
            detail: {
              version: manifest.version,
              source: source.label,
              digest,
              signed_by: source.signedBy,
              unsigned_dev_install: source.signedBy === null,
            },
          }),
        ],
      }));
    } catch (error) {
      await removePackage(paths.pluginDir);
      await removePackage(paths.preparedDir);
      throw error;
    }
    await ctx.events.emitSystemEvent("plugin.installed", {
      plugin: manifest.id,
      version: manifest.version,
    });
    return {
      id: manifest.id,
      version: manifest.version,
      state: "installed",
      requested: manifest.permissions,
      risks: assessRisks(manifest.permissions, { shell: manifest.kind === "system" }),
      signed_by: source.signedBy,
    };
  });
}

/** Host compatibility, duplicate install, declared dependencies and conflicts. */
export async function checkInstallable(ctx: PluginContext, manifest: Manifest): Promise<void> {
  if (!semver.satisfies(VERSION, manifest.plugd)) {
    throw new ConflictError(
      `Plugin "${manifest.id}" needs plugd ${manifest.plugd}; this is plugd ${VERSION}. ` +
        "Install a version of the plugin made for this plugd",
    );
  }
  const existing = await findPlugin(ctx.store, manifest.id);
  if (existing) {
    throw new ConflictError(
      `Plugin "${manifest.id}" ${existing.version} is already installed; ` +
        `use "plugd plugin update ${manifest.id} <source>" or remove it first`,
    );
  }
  // Names only (not whole records): with 1,000 installed, parsing every manifest per install was
  // most of the daemon's CPU for it.
  const installed = await listPluginNames(ctx.store);
  // A name is a plugin's id or one it provides; plugins and system addons resolve alike.
  const names = (m: { id: string; provides?: string[] }) => [m.id, ...(m.provides ?? [])];
  for (const other of installed) {
    const clash = names(other).find((n) => manifest.conflicts.includes(n)) ??
      names(manifest).find((n) => other.conflicts.includes(n));
    if (clash !== undefined) {
      const via = clash === other.id || clash === manifest.id ? "" : ` (through "${clash}")`;
      throw new ConflictError(
        `Plugin "${manifest.id}" conflicts with installed plugin "${other.id}"${via}; ` +
          "remove one of them",
      );
    }
  }
  for (const [dep, range] of Object.entries(manifest.dependencies.plugins)) {
    const candidates = installed.filter((p) => names(p).includes(dep));
    if (!candidates.some((p) => semver.satisfies(p.version, range))) {
      const found = candidates.map((p) => `${p.id} ${p.version}`).join(", ");
      throw new ConflictError(
        `Plugin "${manifest.id}" depends on "${dep}" ${range}, which is ` +
          (found ? `provided only by ${found}` : "not installed") +
          `; install "${dep}@${range}" (or a plugin providing it) first`,
      );
    }
  }
}
