/**
 * The copy of a plugin database an update takes before its new version migrates it, kept beside
 * the file as `plugin.db.before-update` so that a rollback — in the same run, or at the next
 * start after a crash — can put it back. The copy is one file (the caller folds the WAL in
 * first) that appears in one rename once its content is complete: a crash while copying leaves
 * no copy, and an untouched database (the new version starts only afterwards). An empty copy
 * means "there was no database".
 */
import { join } from "node:path";

/** Suffix of the copy: `plugin.db.before-update`. */
export const SNAPSHOT_SUFFIX = ".before-update";

function files(dir: string, file: string) {
  const db = join(dir, file);
  const copy = `${db}${SNAPSHOT_SUFFIX}`;
  return { db, copy, copyTmp: `${copy}.tmp` };
}

/**
 * Copies the database (its process stopped, its WAL folded in) to the snapshot. A copy left
 * from an earlier update is removed first, so a restore never brings back an older state.
 */
export async function takeSnapshot(dir: string, file: string): Promise<void> {
  const f = files(dir, file);
  await discardSnapshot(dir, file);
  if (await sizeOf(`${f.db}-wal`) > 0) {
    throw new Error(`${f.db} has a WAL that was not folded in; the copy would miss its changes`);
  }
  if (await sizeOf(f.db) >= 0) await Deno.copyFile(f.db, f.copyTmp);
  else {
    // No database yet: the new version may create one, and a rollback must remove it.
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.writeFile(f.copyTmp, new Uint8Array(), { mode: 0o600 });
  }
  await Deno.rename(f.copyTmp, f.copy); // from here on the copy exists, whole
}

/**
 * Puts the snapshot back in place of the database (its process stopped); false when there is
 * none. Safe to repeat after a crash at any step: the copy is consumed by the last one.
 */
export async function restoreSnapshot(dir: string, file: string): Promise<boolean> {
  const f = files(dir, file);
  const size = await sizeOf(f.copy);
  if (size < 0) return false;
  // The newer version's WAL and index go first: they must never be replayed onto the copy.
  for (const name of [`${f.db}-wal`, `${f.db}-shm`]) await Deno.remove(name).catch(() => {});
  if (size === 0) {
    await Deno.remove(f.db).catch(() => {}); // there was no database before the update
    await Deno.remove(f.copy);
  } else {
    await Deno.rename(f.copy, f.db); // replaces the newer file in one step
  }
  return true;
}

/** Removes the snapshot (after a successful switch, or one a crash left behind). */
export async function discardSnapshot(dir: string, file: string): Promise<void> {
  const f = files(dir, file);
  for (const name of [f.copy, f.copyTmp]) await Deno.remove(name).catch(() => {});
}

/** Size of a file, or -1 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  return await Deno.lstat(path).then((s) => s.size, () => -1);
}
