/**
 * plugd's own work on a plugin database, done by a short-lived database process of its own
 * (contained like every other, with only that folder writable): folding a WAL left by a killed
 * process into the file, and consistent copies for backups. It never goes through the statement
 * guard, which refuses `VACUUM INTO` to plugins, and never through the plugin's request queue.
 */
import { join } from "node:path";
import type { DbSandbox } from "./db_command.ts";
import { DbProcess } from "./db_process.ts";

/** Where the database is and how its process is contained. */
export interface MaintenanceTarget {
  sandbox: DbSandbox;
  dir: string;
  file: string;
  heapBytes: number;
  /** Time limit of the whole operation. */
  timeoutMs: number;
  onStderr?: (line: string) => void;
}

async function withProcess<T>(t: MaintenanceTarget, op: (p: DbProcess) => Promise<T>) {
  await using process = new DbProcess({
    sandbox: t.sandbox,
    dir: t.dir,
    file: t.file,
    quotaBytes: 2 ** 50, // the plugin's quota bounds its own writes, not plugd's copies
    heapBytes: t.heapBytes,
    resultBytes: 64 * 1024,
    idleStopMs: 0,
    onStderr: t.onStderr,
  });
  return await op(process);
}

/** Folds a WAL a killed process left into the database file (nothing to do without one). */
export async function foldWal(t: MaintenanceTarget): Promise<void> {
  const wal = await Deno.lstat(join(t.dir, `${t.file}-wal`)).then((s) => s.size, () => 0);
  if (wal === 0) return;
  // A clean close of the last connection checkpoints and removes the WAL.
  await withProcess(t, (p) => p.request({ op: "checkpoint" }, t.timeoutMs));
}

/**
 * Writes a consistent copy of the database to `to` (SQLite's `VACUUM INTO`: one read
 * transaction, so the plugin's process may keep writing meanwhile). The copy is made inside the
 * database's folder (the only place its process can write) and then moved to `to`.
 */
export async function copyDatabase(t: MaintenanceTarget, to: string): Promise<void> {
  const temp = join(t.dir, `${t.file}.backup-${crypto.randomUUID()}`);
  try {
    await withProcess(t, (p) => p.request({ op: "copy", path: temp }, t.timeoutMs));
    // Another filesystem (a state dir split across mounts) takes a copy instead of a rename.
    await Deno.rename(temp, to).catch(() => Deno.copyFile(temp, to));
    await Deno.chmod(to, 0o600);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** Removes copies a backup interrupted by a crash left in the folder. */
export async function removeCopyLeftovers(dir: string, file: string): Promise<void> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(`${file}.backup-`)) {
        await Deno.remove(join(dir, e.name)).catch(() => {});
      }
    }
  } catch { /* no folder */ }
}
