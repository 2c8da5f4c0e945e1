/**
 * Switching a plugin to another version, crash-safe: the switch is recorded (a transition) in
 * its own batch before anything stops; the new version must start and answer its health check;
 * only then does one batch record it as current, grant included, and clear the transition. A
 * failure restores the old version; a crash anywhere before that batch leaves the old version
 * current in the database, and the restart undoes the rest (recover_transitions.ts).
 */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import type { Permissions } from "../manifest/mod.ts";
import type { DbSnapshot } from "../plugin_db/mod.ts";
import { removePackage } from "./copy_package.ts";
import { crashPoint } from "./crash_point.ts";
import { ConflictError } from "./errors.ts";
import type { PluginContext } from "./plugin_context.ts";
import { pluginPaths } from "./plugin_paths.ts";
import { upsertPluginStatement } from "./repository.ts";
import { clearTransitionStatement, putTransitionStatement } from "./transitions.ts";
import type { PluginRecord } from "./types.ts";
import { callLifecycle } from "./lifecycle_hooks.ts";
import type { ServiceParts } from "./service_parts.ts";

/** What a switch needs from the service that owns the processes. */
export interface SwitchHost {
  halt(id: string): Promise<void>;
  /** Starts a version; with `checked`, resolves only once it answered its health check. */
  launch(record: PluginRecord, checked: boolean): Promise<void>;
  /** Runs once the new version serves (the plugin's `onUpdate(from, to)`). */
  afterSwitch(id: string, from: string, to: string): Promise<void>;
  /** Copies the plugin's database before the switch (the new version migrates it at launch). */
  snapshotDb?(id: string): Promise<DbSnapshot>;
  /** Removes a stale copy, so that only this switch's copy can ever be restored. */
  discardDbSnapshot?(id: string): Promise<void>;
}

/** How a switch of the service's plugins starts, checks, stops and tells a plugin. */
export function switchHostOf(parts: ServiceParts): SwitchHost {
  const { starter, db } = parts;
  return {
    halt: (id) => starter.halt(id),
    launch: (record, checked) => checked ? starter.launchChecked(record) : starter.launch(record),
    // A failed onUpdate is logged, never fatal.
    afterSwitch: (id, from, to) => callLifecycle(parts, id, "onUpdate", { from, to }),
    snapshotDb: (id) => db.snapshot(id),
    discardDbSnapshot: (id) => db.discardSnapshot(id),
  };
}

/** One switch. */
export interface SwitchRequest {
  old: PluginRecord;
  /** The new version's row (its `state` is what the plugin will be in). */
  candidate: Omit<PluginRecord, "granted">;
  /** The grant after the switch (null: none; the plugin then waits for one). */
  granted: Permissions | null;
  /** More statements for the switch's batch (package history, the grant's audit). */
  statements: InStatement[];
  actor: string;
  /** The permission change, for the audit. */
  diff: string;
}

/** Performs the switch; throws `ConflictError` ("... was restored") when it was rolled back. */
export async function switchVersion(
  ctx: PluginContext,
  host: SwitchHost,
  req: SwitchRequest,
): Promise<void> {
  const { old, candidate, actor } = req;
  const next: PluginRecord = { ...candidate, granted: req.granted };
  const running = old.state === "enabled" && candidate.state === "enabled";
  let snapshot: DbSnapshot | undefined;
  if (running) {
    // A copy older than this switch must not be what a crash recovery puts back.
    await host.discardDbSnapshot?.(old.id);
    await ctx.store.write(() => ({
      statements: [putTransitionStatement({
        kind: "update",
        pluginId: old.id,
        phase: "switching",
        from: old.version,
        to: candidate.version,
        detail: { candidate, diff: req.diff, statements: req.statements },
        actor,
        startedAt: new Date().toISOString(),
      })],
    }));
    await host.halt(old.id);
    crashPoint("update.switching");
    try {
      // A rollback restores the database too: the new version's migrations run at its launch.
      // From here on a crash leaves the copy, and the next start puts it back.
      snapshot = await host.snapshotDb?.(old.id);
      await host.launch(next, true);
      crashPoint("update.checked");
    } catch (error) {
      await host.halt(old.id).catch(() => {});
      await snapshot?.restore();
      await rollback(ctx, host, req, (error as Error).message);
      throw new ConflictError(
        `Version ${candidate.version} of "${old.id}" failed to start (${
          (error as Error).message
        }); version ${old.version} was restored`,
        { cause: error },
      );
    }
  }
  await ctx.store.write(async () => ({
    statements: [
      upsertPluginStatement(candidate),
      req.granted
        ? {
          sql: `INSERT INTO grants (plugin_id, permissions, granted_by, granted_at)
            VALUES (?, ?, ?, ?) ON CONFLICT (plugin_id) DO UPDATE SET
            permissions = excluded.permissions`,
          args: [old.id, JSON.stringify(req.granted), actor, new Date().toISOString()],
        }
        : { sql: "DELETE FROM grants WHERE plugin_id = ?", args: [old.id] },
      ...req.statements,
      clearTransitionStatement(old.id),
      await auditStatement(ctx.store, {
        actor,
        action: "plugin.update",
        target: old.id,
        result: req.granted ? "ok" : "awaiting_grant",
        detail: {
          from: old.version,
          to: candidate.version,
          permissions: req.diff,
          digest: candidate.digest,
        },
      }),
    ],
  }));
  await snapshot?.discard();
  if (running) await host.afterSwitch(old.id, old.version, candidate.version);
  await removeVersion(ctx, old.id, old.version);
  await ctx.events.emitSystemEvent("plugin.updated", {
    plugin: old.id,
    from: old.version,
    to: candidate.version,
  });
}

async function rollback(
  ctx: PluginContext,
  host: SwitchHost,
  req: SwitchRequest,
  reason: string,
): Promise<void> {
  const { old, candidate } = req;
  await host.halt(old.id).catch(() => {});
  await ctx.store.write(async () => ({
    statements: [
      clearTransitionStatement(old.id),
      await auditStatement(ctx.store, {
        actor: "daemon",
        action: "plugin.update.rollback",
        target: old.id,
        result: "rolled_back",
        detail: { restored: old.version, failed: candidate.version, reason },
      }),
    ],
  }));
  await removeVersion(ctx, old.id, candidate.version);
  await host.launch(old, false);
}

/** Removes one installed version's code and prepared files. */
export async function removeVersion(
  ctx: PluginContext,
  id: string,
  version: string,
): Promise<void> {
  const paths = pluginPaths(ctx.layout, ctx.config, id, version);
  await removePackage(paths.pluginDir);
  await removePackage(paths.preparedDir);
}
