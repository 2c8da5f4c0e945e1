/** Durable key files: written whole or not at all, and where a rotation parks the next key. */
import { dirname, join } from "node:path";

const TMP_PREFIX = ".plugd-key-";

/** Removes temp files a crash left inside {@linkcode writeKeyFileDurably} (never a real key). */
export async function removeStaleKeyTemps(dirs: string[]): Promise<void> {
  for (const dir of new Set(dirs)) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.name.startsWith(TMP_PREFIX) && entry.name.endsWith(".tmp")) {
          await Deno.remove(join(dir, entry.name)).catch(() => {});
        }
      }
    } catch {
      // an unreadable folder (a credentials dir) holds none of ours
    }
  }
}

/** Flushes a folder's entries (a rename or a new file) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

/**
 * Writes `bytes` to `path` (mode 0600) so that after a crash the file is either absent, or
 * complete: a temp file in the same folder, fsync, rename, fsync of the folder.
 */
export async function writeKeyFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${TMP_PREFIX}${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      await file.write(bytes);
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
    await syncDir(dir);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * Where a rotation parks the next key until it is installed: beside the key file when its
 * folder is writable (then it is renamed over the key file), else in the state dir (a
 * read-only systemd credential: the operator installs it).
 */
export function pendingKeyCandidates(keyFile: string, stateDir: string): string[] {
  const beside = `${keyFile}.next`;
  const inState = join(stateDir, "master.key.next");
  return beside === inState ? [beside] : [beside, inState];
}

/** Moves the pending key over the key file (atomic rename + folder fsync). */
export async function installPendingKey(pending: string, keyFile: string): Promise<void> {
  await Deno.rename(pending, keyFile);
  await syncDir(dirname(keyFile));
}

/** Removes a file and flushes its folder; missing is fine. */
export async function removeDurably(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  await syncDir(dirname(path));
}
