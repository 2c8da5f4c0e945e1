import { join } from "node:path";
import { auditStatement } from "../audit/mod.ts";
import { removePackage } from "./copy_package.ts";
import { crashPoint } from "./crash_point.ts";
import { removePluginDir } from "./folder_owners.ts";
import type { PluginContext } from "./plugin_context.ts";
import { clearTransitionStatement, putTransitionStatement } from "./transitions.ts";
import type { PluginRecord } from "./types.ts";

/**
 * Uninstalls a stopped plugin. One batch removes its rows, settles its pending deliveries and
 * records the uninstall as in progress; then its code, prepared files and `$TMP` go (and with
 * `purge` its `$DATA`, storage and databases); then the record is cleared. A crash in between is finished
 * at the next start (recover_transitions.ts). Without `purge`, data and storage are kept, so
 * reinstalling finds them again.
 */
export async function removePlugin(
  ctx: PluginContext,
  plugin: PluginRecord,
  options: { purge: boolean },
  actor: string,
): Promise<void> {
  const { purge } = options;
  await ctx.store.write(async () => ({
    statements: [
      { sql: "DELETE FROM plugins WHERE id = ?", args: [plugin.id] },
      // Its pending deliveries can never run now: settle them in the same batch.
      {
        sql: `UPDATE event_deliveries SET status = 'failed', error = 'plugin uninstalled',
          updated_at = ? WHERE plugin_id = ? AND status = 'pending'`,
        args: [Date.now(), plugin.id],
      },
      // Which tenants it ran for goes with its row, like its state; tenant data only with purge.
      { sql: "DELETE FROM tenant_scopes WHERE plugin_id = ?", args: [plugin.id] },
      { sql: "DELETE FROM plugin_tenants WHERE plugin_id = ?", args: [plugin.id] },
      ...(purge
        ? ["plugin_storage", "tenant_storage", "tenant_configs"].map((table) => ({
          sql: `DELETE FROM ${table} WHERE plugin_id = ?`,
          args: [plugin.id],
        }))
        : []),
      putTransitionStatement({
        kind: "uninstall",
        pluginId: plugin.id,
        phase: "removing",
        from: plugin.version,
        to: null,
        detail: { purge },
        actor,
        startedAt: new Date().toISOString(),
      }),
      await auditStatement(ctx.store, {
        actor,
        action: "plugin.uninstall",
        target: plugin.id,
        result: "ok",
        detail: { version: plugin.version, purge },
      }),
    ],
  }));
  crashPoint("uninstall.removing");
  await removePluginFiles(ctx, plugin.id, purge);
  await ctx.store.write(() => ({ statements: [clearTransitionStatement(plugin.id)] }));
}

/** Removes an uninstalled plugin's files (idempotent: also finishes an interrupted uninstall). */
export async function removePluginFiles(
  ctx: PluginContext,
  id: string,
  purge: boolean,
): Promise<void> {
  await removePackage(join(ctx.layout.plugins, id));
  await removePackage(join(ctx.layout.prepared, id));
  await Deno.remove(join(ctx.layout.tmp, id), { recursive: true }).catch(() => {});
  await ctx.runtime.volumes.detach(id, { purge });
  if (purge) {
    const { uids, sandbox } = ctx.runtime;
    const uid = await uids?.uidOf(id);
    const gone = await removePluginDir(join(ctx.layout.data, id), sandbox, uid);
    // Its databases (own and per tenant); their processes were stopped before the uninstall.
    await Deno.remove(join(ctx.layout.db, id), { recursive: true }).catch(() => {});
    // The uid goes back to the range only once nothing it owns is left.
    if (gone) await uids?.release(id);
  }
}
