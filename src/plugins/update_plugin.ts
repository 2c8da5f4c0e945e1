import * as semver from "semver";
import { auditStatement } from "../audit/mod.ts";
import { loadPluginDir } from "../manifest/mod.ts";
import {
  describeDiff,
  diffPermissions,
  isWidening,
  normalizePermissions,
} from "../permissions/mod.ts";
import type { RegistrySource } from "../config/mod.ts";
import { VERSION } from "../version.ts";
import { removePackage, stageVersion } from "./copy_package.ts";
import { ConflictError } from "./errors.ts";
import type { PluginContext } from "./plugin_context.ts";
import { pluginPaths } from "./plugin_paths.ts";
import { getPlugin, upsertPluginStatement } from "./repository.ts";
import { resolveSource } from "./resolve_source.ts";
import type { PluginRecord } from "./types.ts";
import type { DbSnapshot } from "../plugin_db/mod.ts";

/** What an update needs from the service that owns the processes. */
export interface UpdateRequest {
  id: string;
  source: string;
  actor: string;
  allowDowngrade: boolean;
  /** Resolve in these registries instead of the plugin's own (see `SourceOptions`). */
  registries?: RegistrySource[];
  halt: (id: string) => Promise<void>;
  /** Starts a version and resolves once it answered its handshake and health check. */
  launch: (record: PluginRecord) => Promise<void>;
  /** Runs once the new version serves (the plugin's `onUpdate(from, to)`). */
  afterSwitch: (id: string, from: string, to: string) => Promise<void>;
  view: (id: string) => Promise<Record<string, unknown>>;
  /** Copies the plugin's database before the switch, restored if the update rolls back. */
  snapshotDb?: (id: string) => Promise<DbSnapshot>;
}

/**
 * Installs a new version beside the old one and switches. Widened permissions → the new
 * version waits for a grant (state `installed`, the diff in the answer). If the new version
 * fails to start, the previous version is restored and the failure is audited.
 */
export function updatePlugin(
  ctx: PluginContext,
  req: UpdateRequest,
): Promise<Record<string, unknown>> {
  const source = req.source.startsWith("@") ? `${req.id}${req.source}` : req.source;
  return resolveSource(ctx, source, req, async (resolved) => {
    const old = await getPlugin(ctx.store, req.id);
    const { manifest, files } = await loadPluginDir(resolved.dir);
    if (manifest.id !== req.id) {
      throw new ConflictError(`The package is plugin "${manifest.id}", not "${req.id}"`);
    }
    if (manifest.version === old.version) {
      throw new ConflictError(`Plugin "${req.id}" is already at version ${old.version}`);
    }
    if (semver.lt(manifest.version, old.version) && !req.allowDowngrade) {
      throw new ConflictError(
        `Version ${manifest.version} is lower than the installed ${old.version}; ` +
          "pass --allow-downgrade to go back on purpose",
      );
    }
    if (!semver.satisfies(VERSION, manifest.plugd)) {
      throw new ConflictError(
        `Version ${manifest.version} needs plugd ${manifest.plugd}; this is ${VERSION}`,
      );
    }
    const paths = pluginPaths(ctx.layout, ctx.config, manifest.id, manifest.version);
    const digest = await stageVersion(paths, resolved.dir, files, {
      entry: manifest.entry,
      sandbox: ctx.runtime.sandbox,
      manifest,
    });
    const widened = isWidening(old.granted ?? {}, manifest.permissions);
    const wasRunning = old.state === "enabled";
    const now = new Date().toISOString();
    const next: PluginRecord = {
      ...old,
      version: manifest.version,
      manifest,
      source: resolved.label,
      digest,
      signedBy: resolved.signedBy,
      state: widened ? "installed" : old.state,
      failedReason: null,
      updatedAt: now,
      granted: widened ? null : normalizePermissions(manifest.permissions),
    };
    const diff = describeDiff(diffPermissions(old.manifest.permissions, manifest.permissions));
    if (wasRunning) await req.halt(req.id);
    await ctx.store.write(async () => ({
      statements: [
        upsertPluginStatement(next),
        next.granted
          ? {
            sql: "UPDATE grants SET permissions = ? WHERE plugin_id = ?",
            args: [JSON.stringify(next.granted), req.id],
          }
          : { sql: "DELETE FROM grants WHERE plugin_id = ?", args: [req.id] },
        ...(resolved.statements ?? []),
        await auditStatement(ctx.store, {
          actor: req.actor,
          action: "plugin.update",
          target: req.id,
          result: widened ? "awaiting_grant" : "ok",
          detail: { from: old.version, to: manifest.version, permissions: diff, digest },
        }),
      ],
    }));
    if (wasRunning && !widened) {
      // The new version's migrations run at its launch; a rollback restores the database too.
      const snapshot = await req.snapshotDb?.(req.id);
      try {
        await req.launch(next);
        await snapshot?.discard();
      } catch (error) {
        await req.halt(req.id).catch(() => {});
        await snapshot?.restore();
        await rollback(ctx, req, old, (error as Error).message);
        await removePackage(paths.pluginDir);
        await removePackage(paths.preparedDir);
        throw new ConflictError(
          `Version ${manifest.version} of "${req.id}" failed to start (${
            (error as Error).message
          }); ` +
            `version ${old.version} was restored`,
          { cause: error },
        );
      }
    }
    if (wasRunning && !widened) await req.afterSwitch(req.id, old.version, manifest.version);
    const oldPaths = pluginPaths(ctx.layout, ctx.config, old.id, old.version);
    await removePackage(oldPaths.pluginDir);
    await removePackage(oldPaths.preparedDir);
    await ctx.events.emitSystemEvent("plugin.updated", {
      plugin: req.id,
      from: old.version,
      to: manifest.version,
    });
    return {
      ...(await req.view(req.id)),
      previous_version: old.version,
      awaiting_grant: widened,
      permissions_diff: diff,
    };
  });
}

async function rollback(
  ctx: PluginContext,
  req: UpdateRequest,
  old: PluginRecord,
  reason: string,
): Promise<void> {
  await req.halt(req.id).catch(() => {});
  await ctx.store.write(async () => ({
    statements: [
      upsertPluginStatement(old),
      {
        sql:
          `INSERT INTO grants (plugin_id, permissions, granted_by, granted_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (plugin_id) DO UPDATE SET permissions = excluded.permissions`,
        args: [req.id, JSON.stringify(old.granted ?? {}), req.actor, new Date().toISOString()],
      },
      await auditStatement(ctx.store, {
        actor: "daemon",
        action: "plugin.update.rollback",
        target: req.id,
        result: "rolled_back",
        detail: { restored: old.version, reason },
      }),
    ],
  }));
  await req.launch(old);
}
