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
import { stageVersion } from "./copy_package.ts";
import { ConflictError } from "./errors.ts";
import type { PluginContext } from "./plugin_context.ts";
import { pluginPaths } from "./plugin_paths.ts";
import { getPlugin } from "./repository.ts";
import { resolveSource } from "./resolve_source.ts";
import { type SwitchHost, switchVersion } from "./switch_version.ts";
import { findTransition, putTransitionStatement } from "./transitions.ts";
import type { PluginRecord } from "./types.ts";
import type { DbSnapshot } from "../plugin_db/mod.ts";

/** What an update needs from the service that owns the processes. */
export interface UpdateRequest extends SwitchHost {
  id: string;
  source: string;
  actor: string;
  allowDowngrade: boolean;
  /** Resolve in these registries instead of the plugin's own (see `SourceOptions`). */
  registries?: RegistrySource[];
  view: (id: string) => Promise<Record<string, unknown>>;
  /** Copies the plugin's database before the switch, restored if the update rolls back. */
  snapshotDb?: (id: string) => Promise<DbSnapshot>;
}

/**
 * Installs a new version beside the old one and switches to it (switch_version.ts: recorded,
 * started, health-checked, then committed; rolled back on failure). A version that asks for
 * more permissions than granted does not switch a running plugin: it waits, staged, for
 * `plugd plugin grant` (which switches) or `plugd plugin update --cancel`, while the current
 * version keeps running; the answer, the view and the audit show the permission diff.
 */
export function updatePlugin(
  ctx: PluginContext,
  req: UpdateRequest,
): Promise<Record<string, unknown>> {
  const source = req.source.startsWith("@") ? `${req.id}${req.source}` : req.source;
  return resolveSource(ctx, source, req, async (resolved) => {
    const old = await getPlugin(ctx.store, req.id);
    const pending = await findTransition(ctx.store, req.id);
    if (pending) {
      throw new ConflictError(
        `Plugin "${req.id}" has an update to ${pending.to} in progress (${pending.phase}); ` +
          `grant it with "plugd plugin grant ${req.id}" or withdraw it with ` +
          `"plugd plugin update ${req.id} --cancel"`,
      );
    }
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
      typeCheck: resolved.signedBy === null, // signed: checked at pack (see installPlugin)
    });
    const widened = isWidening(old.granted ?? {}, manifest.permissions);
    const diff = describeDiff(diffPermissions(old.manifest.permissions, manifest.permissions));
    const candidate: Omit<PluginRecord, "granted"> = {
      ...old,
      version: manifest.version,
      manifest,
      source: resolved.label,
      digest,
      signedBy: resolved.signedBy,
      state: widened && old.state !== "enabled" ? "installed" : old.state,
      failedReason: null,
      updatedAt: new Date().toISOString(),
    };
    const statements = resolved.statements ?? [];
    if (widened && old.state === "enabled") {
      await ctx.store.write(async () => ({
        statements: [
          putTransitionStatement({
            kind: "update",
            pluginId: req.id,
            phase: "awaiting_grant",
            from: old.version,
            to: manifest.version,
            detail: { candidate, diff, statements },
            actor: req.actor,
            startedAt: candidate.updatedAt,
          }),
          await auditStatement(ctx.store, {
            actor: req.actor,
            action: "plugin.update",
            target: req.id,
            result: "awaiting_grant",
            detail: { from: old.version, to: manifest.version, permissions: diff, digest },
          }),
        ],
      }));
      return {
        ...(await req.view(req.id)),
        awaiting_grant: true,
        permissions_diff: diff,
        next: `plugd plugin grant ${req.id} (switches to ${manifest.version}) or ` +
          `plugd plugin update ${req.id} --cancel`,
      };
    }
    // A failure before the switch leaves the staged version unreferenced: the next start's
    // sweep removes it (recover_transitions.ts).
    await switchVersion(ctx, req, {
      old,
      candidate,
      granted: widened ? null : normalizePermissions(manifest.permissions),
      statements,
      actor: req.actor,
      diff,
    });
    return {
      ...(await req.view(req.id)),
      previous_version: old.version,
      awaiting_grant: widened,
      permissions_diff: diff,
    };
  });
}
