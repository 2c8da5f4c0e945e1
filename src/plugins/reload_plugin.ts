import { auditStatement } from "../audit/mod.ts";
import { join } from "node:path";
import { ManifestError } from "../manifest/mod.ts";
import { type StagedPackage, stagePackage } from "../bundle/mod.ts";
import { permissionsEqual } from "../permissions/mod.ts";
import { stageVersion } from "./copy_package.ts";
import type { PluginContext } from "./plugin_context.ts";
import { pluginPaths } from "./plugin_paths.ts";
import { getPlugin, upsertPluginStatement } from "./repository.ts";
import type { PluginRecord } from "./types.ts";
import type { LogRings } from "./log_ring.ts";

/**
 * Dev mode: reinstalls from the source folder (see {@linkcode reloadPlugin}) and relaunches an
 * enabled plugin with `launch`; a failure goes to the plugin's log, never further.
 */
export async function reloadFromSource(
  ctx: PluginContext,
  logs: LogRings,
  launch: (plugin: PluginRecord) => Promise<unknown>,
  id: string,
): Promise<void> {
  try {
    const next = await reloadPlugin(ctx, id);
    logs.system(id, "info", "source folder changed: reinstalled");
    if (next.state === "enabled") await launch(next);
  } catch (error) {
    const message = (error as Error).message;
    logs.system(id, "error", `reload from the source folder failed: ${message}`);
  }
}

/**
 * Reinstalls a dev-mode plugin from the folder it was installed from, keeping its id, version,
 * grant and state. Refuses (and says why) when the manifest no longer validates or its
 * permissions changed, since those need a new grant.
 *
 * @returns the updated record, to be restarted by the caller if it is enabled.
 */
export async function reloadPlugin(ctx: PluginContext, id: string): Promise<PluginRecord> {
  const old = await getPlugin(ctx.store, id);
  // Staged as pack stages it (npm dependencies bundled).
  const work = await Deno.makeTempDir({ dir: ctx.layout.incoming, prefix: "reload-" });
  try {
    return await reloadFrom(ctx, old, await stagePackage(old.source, join(work, "pkg")));
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

async function reloadFrom(
  ctx: PluginContext,
  old: PluginRecord,
  staged: StagedPackage,
): Promise<PluginRecord> {
  const { id } = old;
  const { manifest, files } = staged;
  if (manifest.id !== id || manifest.version !== old.version) {
    throw new ManifestError([{
      field: "version",
      message:
        `the folder now holds ${manifest.id} ${manifest.version}; use "plugd plugin update ${id} ${old.source}"`,
    }]);
  }
  if (!permissionsEqual(manifest.permissions, old.manifest.permissions)) {
    throw new ManifestError([{
      field: "permissions",
      message: `permissions changed; reinstall with "plugd plugin update" so they can be granted`,
    }]);
  }
  const paths = pluginPaths(ctx.layout, ctx.config, id, manifest.version);
  const digest = await stageVersion(paths, staged.dir, files, {
    entry: manifest.entry,
    sandbox: ctx.runtime.sandbox,
    manifest,
  });
  const next: PluginRecord = { ...old, manifest, digest, updatedAt: new Date().toISOString() };
  await ctx.store.write(async () => ({
    statements: [
      upsertPluginStatement(next),
      await auditStatement(ctx.store, {
        actor: "daemon",
        action: "plugin.reload",
        target: id,
        result: "ok",
        detail: { source: old.source, digest, unsigned_dev_install: true },
      }),
    ],
  }));
  return next;
}
