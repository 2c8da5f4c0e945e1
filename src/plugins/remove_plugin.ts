import { join } from "node:path";
import { auditStatement } from "../audit/mod.ts";
import { removePackage } from "./copy_package.ts";
import type { PluginContext } from "./plugin_context.ts";
import type { PluginStorage } from "./storage.ts";
import type { PluginRecord } from "./types.ts";

/**
 * Uninstalls a stopped plugin: removes its code and prepared files and its rows; its `$DATA`
 * and storage are kept unless `purge` (so reinstalling finds them again).
 */
export async function removePlugin(
  ctx: PluginContext,
  plugin: PluginRecord,
  options: { purge: boolean },
  actor: string,
  storage: PluginStorage,
): Promise<void> {
  await ctx.store.write(async () => ({
    statements: [
      { sql: "DELETE FROM plugins WHERE id = ?", args: [plugin.id] },
      // Its pending deliveries can never run now: settle them in the same batch.
      {
        sql: `UPDATE event_deliveries SET status = 'failed', error = 'plugin uninstalled',
          updated_at = ? WHERE plugin_id = ? AND status = 'pending'`,
        args: [Date.now(), plugin.id],
      },
      await auditStatement(ctx.store, {
        actor,
        action: "plugin.uninstall",
        target: plugin.id,
        result: "ok",
        detail: { version: plugin.version, purge: options.purge },
      }),
    ],
  }));
  await removePackage(join(ctx.layout.plugins, plugin.id));
  await removePackage(join(ctx.layout.prepared, plugin.id));
  await Deno.remove(join(ctx.layout.tmp, plugin.id), { recursive: true }).catch(() => {});
  await ctx.runtime.volumes.detach(plugin.id, { purge: options.purge });
  if (options.purge) {
    await Deno.remove(join(ctx.layout.data, plugin.id), { recursive: true }).catch(() => {});
    await storage.purge(plugin.id);
    // The uid goes back to the range only once nothing it owns is left.
    await ctx.runtime.uids?.release(plugin.id);
  }
}
