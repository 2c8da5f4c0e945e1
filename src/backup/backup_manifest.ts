/** The manifest inside a plugd backup archive, and its checks. */

/** Format name and version written into every archive. */
export const BACKUP_FORMAT = "plugd-backup";
export const BACKUP_FORMAT_VERSION = 1;
/** Top folder of every entry in the archive. */
export const BACKUP_ROOT = "plugd-backup";

/** `plugd-backup/manifest.json`. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  plugd_version: string;
  /** The database's schema version (migrations applied). */
  schema_version: number;
  created_at: string;
  /** SHA-256 (hex) of `plugd.db`, checked at restore. */
  db_sha256: string;
  plugins: { id: string; version: string; state: string }[];
  /**
   * Plugin databases in the archive (`db/<id>/plugin.db`, `db/<id>/tenants/<t>/plugin.db`) with
   * their SHA-256 (hex), checked at restore. Absent in archives of plugd before they were backed up.
   */
  databases?: { path: string; sha256: string }[];
  /** Whether `master.key` is inside (only in encrypted archives). */
  includes_master_key: boolean;
  /** Public id of the master key the database's secrets are sealed under. */
  master_key_id: string | null;
  /** The daemon's config file, stored as `config/plugd.yaml`, if it had one. */
  config_file: string | null;
  /** Entries left out (symlinks, sockets in `$DATA`), with the reason. */
  skipped: string[];
}

/** Thrown for an archive that cannot be restored; the message says why and what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

/** Checks a parsed manifest against what this plugd can restore. */
export function checkManifest(value: unknown, knownSchema: number): BackupManifest {
  const m = value as Partial<BackupManifest> | null;
  if (!m || m.format !== BACKUP_FORMAT) {
    throw new BackupError("This file is not a plugd backup (no plugd-backup/manifest.json)");
  }
  if (m.format_version !== BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `Backup format ${m.format_version} is not supported by this plugd (it reads format ` +
        `${BACKUP_FORMAT_VERSION}); restore with the plugd version that wrote it (${m.plugd_version})`,
    );
  }
  if (typeof m.schema_version !== "number" || m.schema_version > knownSchema) {
    throw new BackupError(
      `The backup's database (schema ${m.schema_version}) is newer than this plugd knows ` +
        `(${knownSchema}); restore with plugd ${m.plugd_version} or newer`,
    );
  }
  return m as BackupManifest;
}

/** Hex SHA-256 of a file, read in chunks. */
export async function fileSha256(path: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}
