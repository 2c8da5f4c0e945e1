import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { digestDir } from "../runtime/mod.ts";
import { findDigest, findPlugin, setStateStatement } from "./repository.ts";
import type { PluginRecord, PluginState, SystemEventSink } from "./types.ts";

/** Moves a plugin to `state` and audits it, in one batch. */
export async function setPluginState(
  store: Store,
  change: { id: string; state: PluginState; actor: string; action: string; reason: string | null },
): Promise<void> {
  const { id, state, actor, action, reason } = change;
  await store.write(async () => ({
    statements: [
      setStateStatement(id, state, reason),
      await auditStatement(store, {
        actor,
        action,
        target: id,
        result: "ok",
        detail: reason ? { reason } : undefined,
      }),
    ],
  }));
}

/** The runtime gave up on a plugin (crash budget): it becomes `failed`, audited and announced. */
export async function recordFailure(
  ctx: { store: Store; events: SystemEventSink; recordChanged?: (id: string) => void },
  id: string,
  reason = "failed",
): Promise<void> {
  const plugin = await findPlugin(ctx.store, id).catch(() => null);
  // Already failed: the start's integrity check stored it (its record listeners learn it here).
  if (plugin?.state === "failed") ctx.recordChanged?.(id);
  if (!plugin || plugin.state === "failed") return;
  await setPluginState(ctx.store, {
    id,
    state: "failed",
    actor: "daemon",
    action: "plugin.fail",
    reason,
  });
  ctx.recordChanged?.(id);
  await ctx.events.emitSystemEvent("plugin.failed", { plugin: id, reason });
}

/** Whether the plugin's `onInstall` has yet to run for this installation. */
export async function installHookPending(store: Store, id: string): Promise<boolean> {
  const rs = await store.execute({
    sql: "SELECT install_hook_ran FROM plugins WHERE id = ?",
    args: [id],
  });
  return Number(rs.rows[0]?.install_hook_ran ?? 1) === 0;
}

/** Records that `onInstall` ran. */
export async function markInstallHookRan(store: Store, id: string): Promise<void> {
  await store.write(() => ({
    statements: [{ sql: "UPDATE plugins SET install_hook_ran = 1 WHERE id = ?", args: [id] }],
  }));
}

/**
 * Re-hashes the installed files before a start; on a mismatch the plugin becomes `failed`
 * ("integrity", audited) and must not start.
 */
export async function verifyIntegrity(
  store: Store,
  plugin: Pick<PluginRecord, "id" | "digest">,
  pluginDir: string,
): Promise<boolean> {
  if (await digestDir(pluginDir) === plugin.digest) return true;
  await setPluginState(store, {
    id: plugin.id,
    state: "failed",
    actor: "daemon",
    action: "plugin.integrity",
    reason: "integrity: installed files changed since install",
  });
  return false;
}

/**
 * {@linkcode verifyIntegrity} of the installed version of `id`, as the supervisor asks before
 * each start; `pluginDir` says where a version's files are.
 */
export async function verifyInstalled(
  store: Store,
  id: string,
  pluginDir: (plugin: Pick<PluginRecord, "id" | "version">) => string,
): Promise<boolean> {
  const plugin = await findDigest(store, id);
  if (!plugin) throw new Error(`plugin "${id}" is no longer installed`);
  return await verifyIntegrity(store, plugin, pluginDir(plugin));
}
