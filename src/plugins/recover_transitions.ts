/**
 * At start, before any plugin runs: finish or undo what a crash interrupted, then remove files
 * nothing refers to, so no state left by a crash survives a restart (issue 22).
 *
 * - an update `switching`: its batch never committed, the old version is still current: the
 *   plugin database's copy taken before the new version migrated it is put back, the staged
 *   version is removed and the rollback audited;
 * - an update `awaiting_grant`: a legitimate wait; kept (its staged version too);
 * - an uninstall `removing`: its files (and with `purge` its data) are removed;
 * - version folders of no installed plugin and no pending update (an install or update that
 *   died before its batch, an old version left after a switch), unfinished uploads, and
 *   database copies nothing will restore (a switch that committed, an interrupted backup).
 */
import { join } from "node:path";
import { auditStatement } from "../audit/mod.ts";
import { removePackage } from "./copy_package.ts";
import type { PluginContext } from "./plugin_context.ts";
import { removePluginFiles } from "./remove_plugin.ts";
import { installedVersions } from "./repository.ts";
import { removeVersion } from "./switch_version.ts";
import { clearTransitionStatement, listTransitions } from "./transitions.ts";

/** What recovery does to plugin databases (`PluginDbAccess`). */
export interface DbRecovery {
  /** Puts back the copy taken before an update's switch; false when there is none. */
  restoreSnapshot(pluginId: string): Promise<boolean>;
  /** Removes copies left behind (of an update that committed, of a backup). */
  discardSnapshot(pluginId: string): Promise<void>;
}

/** Runs {@linkcode recoverTransitions} and logs what it did (or why it could not finish). */
export async function settleInterrupted(ctx: PluginContext, dbs: DbRecovery): Promise<void> {
  try {
    for (const line of await recoverTransitions(ctx, dbs)) ctx.log(line);
  } catch (error) {
    ctx.log(`recovery of interrupted changes incomplete: ${(error as Error).message}`);
  }
}

/** Recovers interrupted transitions and sweeps orphan files; returns what it did, for the log. */
export async function recoverTransitions(
  ctx: PluginContext,
  dbs: DbRecovery,
): Promise<string[]> {
  const done: string[] = [];
  for (const t of await listTransitions(ctx.store)) {
    if (t.kind === "update" && t.phase === "switching") {
      // First, while the transition still says so: a crash here repeats it at the next start.
      const restored = await dbs.restoreSnapshot(t.pluginId);
      await ctx.store.write(async () => ({
        statements: [
          clearTransitionStatement(t.pluginId),
          await auditStatement(ctx.store, {
            actor: "daemon",
            action: "plugin.update.rollback",
            target: t.pluginId,
            result: "rolled_back",
            detail: {
              restored: t.from,
              failed: t.to,
              reason: "interrupted: the daemon stopped during the switch",
              database: restored ? "restored" : "untouched",
            },
          }),
        ],
      }));
      await removeVersion(ctx, t.pluginId, t.to);
      done.push(
        `update of ${t.pluginId} to ${t.to} was interrupted: ${t.from} kept` +
          (restored ? ", its database restored" : ""),
      );
    } else if (t.kind === "uninstall") {
      await removePluginFiles(ctx, t.pluginId, t.detail.purge);
      await ctx.store.write(() => ({ statements: [clearTransitionStatement(t.pluginId)] }));
      done.push(`uninstall of ${t.pluginId} finished`);
    }
  }
  done.push(...await sweepOrphans(ctx));
  // Every interrupted switch was restored above: any copy left now is stale.
  for (const id of names(ctx.layout.db)) await dbs.discardSnapshot(id);
  return done;
}

/** Removes version folders nothing refers to, and leftovers of unfinished uploads. */
async function sweepOrphans(ctx: PluginContext): Promise<string[]> {
  const keep = new Map<string, Set<string>>();
  for (const p of await installedVersions(ctx.store)) keep.set(p.id, new Set([p.version]));
  for (const t of await listTransitions(ctx.store)) {
    if (t.kind === "update") (keep.get(t.pluginId) ?? new Set()).add(t.to);
  }
  const removed: string[] = [];
  for (const root of [ctx.layout.plugins, ctx.layout.prepared]) {
    for (const id of names(root)) {
      if (id.startsWith(".")) continue; // plugd's own (the type-check cache), never a plugin id
      const versions = keep.get(id);
      if (!versions) {
        await removePackage(join(root, id));
        removed.push(`${id} (not installed)`);
        continue;
      }
      for (const version of names(join(root, id))) {
        if (versions.has(version)) continue;
        await removePackage(join(root, id, version));
        removed.push(`${id} ${version}`);
      }
    }
  }
  for (const entry of names(ctx.layout.incoming)) {
    if (/^(pkg|fetch)-/.test(entry)) {
      await Deno.remove(join(ctx.layout.incoming, entry), { recursive: true }).catch(() => {});
    }
  }
  return removed.length > 0 ? [`removed files nothing refers to: ${removed.join(", ")}`] : [];
}

/**
 * The folders in `dir` (none when it is not there). Sync: a restart lists every installed plugin's
 * two folders here before the first plugin starts, and ~400 listings each sent to the blocking
 * pool and awaited in turn held the first start back (performance.md, "Restart of 200 plugins
 * (issue 23, eleventh round)").
 */
function names(dir: string): string[] {
  try {
    const out: string[] = [];
    for (const e of Deno.readDirSync(dir)) if (e.isDirectory) out.push(e.name);
    return out;
  } catch {
    return [];
  }
}
