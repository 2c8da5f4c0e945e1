/**
 * Leftover cgroups of other plugd daemons. Each daemon keeps its plugins' cgroups under a folder
 * of its own (`plugd/<instance>` per v1 controller, `plugd-<instance>` on v2) and removes it at
 * stop, and a restart on the same state dir sweeps its own instance. A daemon killed with SIGKILL
 * whose state dir is never used again (tests, CI, a moved install) left its folder and one empty
 * cgroup per plugin behind for good: ~250 on this host after a day of tests. Each cgroup there is
 * walked again by every cpu quota write on the host, so leftovers slow every plugin start.
 *
 * A daemon marks its folder with an empty child cgroup `.daemon-<pid>-<start time>` (the start
 * time from `/proc/<pid>/stat`, so a reused pid does not pass for the owner). At start, a daemon
 * removes the empty cgroups of every other instance whose owner is gone: no live marker, and for
 * an unmarked folder (an older plugd, or a shared test-harness instance) only cgroups older than
 * `minAgeMs`, so a cgroup made a moment ago for a process about to join it is never taken (a
 * runner makes an empty leftover cgroup anew before it is joined, so that one is young too). Only
 * empty cgroups can be removed at all (the kernel refuses the others), so nothing running is
 * touched.
 */

const MARKER = /^\.daemon-(\d+)-(\d+)$/;

/** Field 22 of `/proc/<pid>/stat` (start time in clock ticks since boot), or null if gone. */
export async function processStartTime(pid: number): Promise<string | null> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count from its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

/** The owner marker's folder name for this process. */
export async function ownerMarker(pid: number = Deno.pid): Promise<string> {
  return `.daemon-${pid}-${await processStartTime(pid) ?? 0}`;
}

/** Creates this daemon's owner marker in `dir` (its instance folder of one controller). */
export async function markOwner(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/${await ownerMarker()}`).catch((e) => {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  });
}

async function ownerAlive(names: string[]): Promise<boolean | null> {
  let marked = false;
  for (const name of names) {
    const m = MARKER.exec(name);
    if (!m) continue;
    marked = true;
    if (await processStartTime(Number(m[1])) === m[2]) return true;
  }
  return marked ? false : null;
}

function ageMs(info: Deno.FileInfo, now: number): number {
  const times = [info.mtime, info.birthtime, info.ctime].filter((t): t is Date => t !== null);
  return times.length === 0 ? 0 : now - Math.max(...times.map((t) => t.getTime()));
}

/** Options of {@linkcode sweepOrphanCgroups}. */
export interface SweepOrphansOptions {
  /** Instance folders are the entries of `root` starting with this. @default "" */
  prefix?: string;
  /** Unmarked cgroups younger than this are kept. @default 60_000 */
  minAgeMs?: number;
}

/**
 * Removes the empty cgroups (and then the folder) of every instance under `root` but `own`
 * whose owner is gone. Returns how many cgroup folders went. Never throws.
 *
 * @example
 * ```ts
 * await sweepOrphanCgroups("/sys/fs/cgroup/pids/plugd", "3f2a91c04b7e");
 * ```
 */
export async function sweepOrphanCgroups(
  root: string,
  own: string,
  options: SweepOrphansOptions = {},
): Promise<number> {
  const { prefix = "", minAgeMs = 60_000 } = options;
  let removed = 0;
  const rmdir = (p: string) =>
    Deno.remove(p).then(() => {
      removed++;
      return true;
    }, () => false);
  const entries = await Array.fromAsync(Deno.readDir(root)).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory || !e.name.startsWith(prefix) || e.name === `${prefix}${own}`) continue;
    const dir = `${root}/${e.name}`;
    const children = (await Array.fromAsync(Deno.readDir(dir)).catch(() => []))
      .filter((c) => c.isDirectory).map((c) => c.name);
    const alive = await ownerAlive(children);
    if (alive === true) continue;
    const now = Date.now();
    for (const child of children) {
      const path = `${dir}/${child}`;
      if (alive === null) {
        const info = await Deno.stat(path).catch(() => null);
        if (info === null || ageMs(info, now) < minAgeMs) continue;
      }
      await rmdir(path);
    }
    if (alive === false) await rmdir(dir);
    else {
      const info = await Deno.stat(dir).catch(() => null);
      if (info !== null && ageMs(info, now) >= minAgeMs) await rmdir(dir);
    }
  }
  return removed;
}
