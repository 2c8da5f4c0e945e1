/**
 * `plugd backup`: a consistent, versioned archive of a running daemon's state — the database
 * (SQLite's online snapshot, `VACUUM INTO`), installed packages, plugin data, plugin databases
 * (each its own online snapshot) and the config file; the master key only when asked, and then
 * only inside a passphrase-encrypted archive.
 */
import { basename, join } from "node:path";
import type { Store } from "../store/mod.ts";
import { MIGRATIONS } from "../store/mod.ts";
import { VERSION } from "../version.ts";
import { encryptStream } from "./age_stream.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BACKUP_ROOT,
  BackupError,
  type BackupManifest,
  fileSha256,
} from "./backup_manifest.ts";
import { removeStaged, stageTree } from "./stage_tree.ts";

/** What a backup reads from the daemon. */
export interface BackupSource {
  store: Store;
  /** `<state>/plugins`, `<state>/data`, and a private work folder (`<state>/incoming`). */
  layout: { plugins: string; data: string; incoming: string };
  /** The master key file and the config file in use. */
  masterKeyFile: string;
  configFile: string | null;
  /**
   * Copies a plugin's `$DATA` when it is not a plain folder (a volume in plugd's own mount
   * namespace); returns false to let the plain folder be staged. @default always false
   */
  copyData?: (id: string, from: string, to: string, skipped: string[]) => Promise<boolean>;
  /**
   * Writes consistent copies of a plugin's databases (`ctx.db`) under `to` while they are in
   * use; returns the files written, relative to `to`. @default none
   */
  copyDatabases?: (id: string, to: string) => Promise<string[]>;
}

/** Options of {@linkcode createBackup}. */
export interface BackupOptions {
  /** Encrypts the whole archive (age, scrypt passphrase). @default none: plain .tar.gz */
  passphrase?: string;
  /** Puts the master key file inside (needs `passphrase`). @default false */
  includeMasterKey?: boolean;
}

/** A finished backup: its manifest and the archive as a stream (staging removed at its end). */
export interface BackupStream {
  manifest: BackupManifest;
  stream: ReadableStream<Uint8Array>;
}

/** The shortest passphrase accepted (age uses scrypt; length still matters). */
export const MIN_PASSPHRASE = 12;

/**
 * Builds the archive in `<state>/incoming/backup-<id>` and streams it. The database snapshot
 * and the plugin code are taken under the store's write lock, so the code of every plugin
 * version the snapshot names is in the archive; `$DATA` is linked right after.
 */
export async function createBackup(
  source: BackupSource,
  options: BackupOptions = {},
): Promise<BackupStream> {
  const { passphrase, includeMasterKey = false } = options;
  if (passphrase !== undefined && passphrase.length < MIN_PASSPHRASE) {
    throw new BackupError(`The backup passphrase must have at least ${MIN_PASSPHRASE} characters`);
  }
  if (includeMasterKey && passphrase === undefined) {
    throw new BackupError(
      "The master key goes only into an encrypted backup: give a passphrase (plugd backup " +
        "--encrypt --include-master-key), or back the key up separately",
    );
  }
  if (!source.store.url.startsWith("file:")) {
    throw new BackupError(
      "plugd backup covers file: databases; back up a remote libSQL server with its own tools",
    );
  }
  const work = join(source.layout.incoming, `backup-${crypto.randomUUID()}`);
  const root = join(work, BACKUP_ROOT);
  await Deno.mkdir(root, { recursive: true, mode: 0o700 });
  try {
    const manifest = await stage(source, root, includeMasterKey);
    await Deno.writeTextFile(join(root, "manifest.json"), JSON.stringify(manifest, null, 2));
    const archive = join(work, "backup.tar.gz");
    await (await import("tar")).c({ gzip: true, cwd: work, file: archive }, [BACKUP_ROOT]);
    const file = await Deno.open(archive, { read: true });
    let stream = cleanupAfter(file.readable, work);
    if (passphrase !== undefined) stream = await encryptStream(stream, passphrase);
    return { manifest, stream };
  } catch (error) {
    await removeStaged(work);
    throw error;
  }
}

async function stage(
  source: BackupSource,
  root: string,
  includeMasterKey: boolean,
): Promise<BackupManifest> {
  const { store, layout } = source;
  const skipped: string[] = [];
  const db = join(root, "plugd.db");
  const plugins = await store.write(async () => {
    // VACUUM INTO: SQLite's consistent online copy, one read transaction; under the write lock
    // so no install or removal lands between the snapshot and the code copied below.
    await store.execute({ sql: "VACUUM INTO ?", args: [db] });
    const rs = await store.execute("SELECT id, version, state FROM plugins ORDER BY id");
    const list = rs.rows.map((r) => ({
      id: String(r.id),
      version: String(r.version),
      state: String(r.state),
    }));
    for (const p of list) {
      const from = join(layout.plugins, p.id, p.version);
      try {
        await stageTree(from, join(root, "plugins", p.id, p.version), skipped);
      } catch (error) {
        throw new BackupError(
          `The code of plugin ${p.id}@${p.version} is missing (${(error as Error).message}); ` +
            `run "plugd plugin update" or reinstall it, then back up again`,
        );
      }
    }
    return { statements: [], value: list };
  });
  await Deno.chmod(db, 0o600);
  for (const p of plugins) {
    const from = join(layout.data, p.id);
    const to = join(root, "data", p.id);
    if (await source.copyData?.(p.id, from, to, skipped)) continue;
    if (await exists(from)) await stageTree(from, to, skipped);
  }
  // Each plugin database is its own libSQL file with its own writer: copied one by one after
  // the daemon's database, each consistent in itself (as `$DATA` is).
  const databases: { path: string; sha256: string }[] = [];
  for (const p of plugins) {
    for (const rel of await source.copyDatabases?.(p.id, join(root, "db", p.id)) ?? []) {
      const path = join("db", p.id, rel);
      databases.push({ path, sha256: await fileSha256(join(root, path)) });
    }
  }
  let configFile: string | null = null;
  if (source.configFile && await exists(source.configFile)) {
    await Deno.mkdir(join(root, "config"), { recursive: true });
    await Deno.copyFile(source.configFile, join(root, "config", "plugd.yaml"));
    configFile = source.configFile;
  }
  if (includeMasterKey) await Deno.copyFile(source.masterKeyFile, join(root, "master.key"));
  const check = await store.execute("SELECT key_id FROM master_key_check WHERE id = 1");
  return {
    format: BACKUP_FORMAT,
    format_version: BACKUP_FORMAT_VERSION,
    plugd_version: VERSION,
    schema_version: MIGRATIONS.length,
    created_at: new Date().toISOString(),
    db_sha256: await fileSha256(db),
    plugins,
    databases,
    includes_master_key: includeMasterKey,
    master_key_id: check.rows[0] ? String(check.rows[0].key_id) : null,
    config_file: configFile ? basename(configFile) : null,
    skipped,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Passes `stream` through and removes `dir` when it ends, fails or is cancelled. */
function cleanupAfter(stream: ReadableStream<Uint8Array>, dir: string): ReadableStream<Uint8Array> {
  const cleanup = () => removeStaged(dir);
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          await cleanup();
        } else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        await cleanup();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
      await cleanup();
    },
  });
}
