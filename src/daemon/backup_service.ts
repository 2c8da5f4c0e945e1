/** `plugd backup` on the daemon side: the archive built from the running state, audited. */
import { createBackupRoutes } from "../api/mod.ts";
import { appendAudit } from "../audit/mod.ts";
import { createBackup, removeStaleStaging } from "../backup/mod.ts";
import type { Config } from "../config/mod.ts";
import type { PluginDatabases } from "../plugin_db/mod.ts";
import type { DataVolumes } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import type { DaemonService } from "./daemon.ts";
import type { StateLayout } from "./state_dir.ts";

/** The backup route group. */
export function backupService(
  config: Config,
  store: Store,
  layout: StateLayout,
  volumes?: DataVolumes,
  databases?: PluginDatabases,
): DaemonService {
  return {
    // Staging left by a backup interrupted by a crash or a stop is removed at start.
    start: () => removeStaleStaging(layout.incoming),
    routes: createBackupRoutes({
      backup: async (options, actor) => {
        const result = await createBackup({
          store,
          layout,
          masterKeyFile: config.masterKeyFile,
          configFile: config.configFile ?? null,
          copyData: (id, _from, to, skipped) =>
            volumes?.copyOut(id, to, skipped) ?? Promise.resolve(false),
          copyDatabases: (id, to) => databases?.copyAllTo(id, to) ?? Promise.resolve([]),
        }, options);
        await appendAudit(store, {
          actor,
          action: "backup.create",
          result: "ok",
          detail: {
            plugins: result.manifest.plugins.length,
            encrypted: options.passphrase !== undefined,
            includes_master_key: result.manifest.includes_master_key,
            databases: result.manifest.databases?.length ?? 0,
          },
        });
        return result;
      },
    }),
  };
}
