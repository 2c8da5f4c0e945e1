/**
 * Where seats' command files go: a folder of this process's own, `seats-<pid>-<start>-<n>`, inside
 * a folder only the daemon can write (the state dir's `launch/`, 0700). A seat sources what it
 * finds there, so nobody else may write in it. A daemon killed with SIGKILL cannot remove its
 * folder; since it sits in the daemon's own state dir, the next daemon on that dir sweeps it at
 * start: every `seats-*` folder whose owner (pid and start time, as the cgroup sweep's markers,
 * so a reused pid does not pass for the owner) is gone. Before, the folder was made in $TMPDIR,
 * where a killed daemon's stayed for good (~100 per test run).
 */
import { processStartTime } from "./cgroup_sweep.ts";

const FOLDER = /^seats-(\d+)-(\d+)-\d+$/;

/** Folders made by this process so far (two runners may share one parent). */
let made = 0;

/**
 * Removes the seat folders in `parent` whose owner process is gone; returns how many went. Never
 * throws (a parent that does not exist yet has none).
 *
 * @example
 * ```ts
 * await sweepSeatFolders("/var/lib/plugd/launch");
 * ```
 */
export async function sweepSeatFolders(parent: string): Promise<number> {
  let removed = 0;
  const entries = await Array.fromAsync(Deno.readDir(parent)).catch(() => []);
  for (const e of entries) {
    const m = FOLDER.exec(e.name);
    if (!m || !e.isDirectory) continue;
    if (await processStartTime(Number(m[1])) === m[2]) continue; // its owner runs
    await Deno.remove(`${parent}/${e.name}`, { recursive: true }).then(() => removed++, () => {});
  }
  return removed;
}

/**
 * Makes this process's next seat folder in `parent` (0700; `parent` must exist and be the
 * daemon's alone) and returns its path.
 */
export async function makeSeatFolder(parent: string): Promise<string> {
  const path = `${parent}/seats-${Deno.pid}-${await processStartTime(Deno.pid) ?? 0}-${made++}`;
  await Deno.mkdir(path, { mode: 0o700 });
  return path;
}
