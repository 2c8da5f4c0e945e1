/** Backup and restore of a daemon's state (database, packages, plugin data, config, key). */
export {
  type BackupOptions,
  type BackupSource,
  type BackupStream,
  createBackup,
  MIN_PASSPHRASE,
} from "./create_backup.ts";
export { removeStaleStaging } from "./stage_tree.ts";
export { restoreBackup, type RestoreOptions, type RestoreResult } from "./restore_backup.ts";
export {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  type BackupManifest,
} from "./backup_manifest.ts";
