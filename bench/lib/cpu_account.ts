/**
 * CPU time of this process and everything it spawns, in nanosecond detail, from a `cpuacct`
 * cgroup of its own: a plugin start's processes (launcher, bubblewrap, setpriv, deno) are counted
 * whatever cgroups of the other hierarchies plugd moves them into, and threads or processes that
 * ended are counted too (which `/proc/<pid>/stat`, in 10 ms ticks, and per-thread `schedstat` miss).
 * Subtracting this process's own CPU (`process.cpuUsage()`) leaves the children's. Unlike wall
 * time, CPU per operation barely moves with the machine's load.
 */
import process from "node:process";

const ROOT = "/sys/fs/cgroup/cpuacct";
const PREFIX = "plugd-bench-";

/** The CPU counters of one measuring process. */
export interface CpuAccount extends AsyncDisposable {
  /** CPU of this process and all its descendants so far, ms. */
  total(): number;
  /** CPU of this process alone so far (all its threads), ms. */
  own(): number;
}

/**
 * Moves this process into a fresh `cpuacct` cgroup (cgroup v1, with cpuacct mounted apart from
 * the cpu controller, so plugd's cpu cgroups do not take processes out of it). Null where that is
 * not possible (cgroup v2 only, cpu and cpuacct mounted together, not root): then no CPU figures.
 */
export function cpuAccount(): CpuAccount | null {
  try {
    if (!Deno.statSync(`${ROOT}/cpuacct.usage`).isFile) return null;
    // Mounted together with cpu: plugd's cpu cgroups would move plugin processes out of ours.
    if (exists(`${ROOT}/cpu.cfs_quota_us`)) return null;
    sweepAccounts();
    const dir = `${ROOT}/${PREFIX}${Deno.pid}`;
    Deno.mkdirSync(dir);
    Deno.writeTextFileSync(`${dir}/cgroup.procs`, String(Deno.pid));
    return {
      total: () => Number(Deno.readTextFileSync(`${dir}/cpuacct.usage`)) / 1e6,
      own: () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      },
      // Dispose it after what it measured (declare it first).
      async [Symbol.asyncDispose]() {
        await removeAccount(dir);
      },
    };
  } catch {
    return null;
  }
}

/**
 * Removes a measuring cgroup. Children killed at the end of a measure (200 plugins exiting) may
 * take seconds to leave it, and a process that outlived its measure would keep it forever: every
 * process still in it is moved to the root cgroup (where it was before), then the folder goes,
 * retried for up to `waitMs`.
 */
export async function removeAccount(dir: string, waitMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    moveToRoot(dir);
    try {
      Deno.removeSync(dir);
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Moves every process still in `dir` to the root cgroup (where it was before its measure). */
function moveToRoot(dir: string): void {
  for (const pid of readPids(dir)) {
    try {
      Deno.writeTextFileSync(`${ROOT}/cgroup.procs`, pid);
    } catch { /* exited meanwhile */ }
  }
}

function readPids(dir: string): string[] {
  try {
    return Deno.readTextFileSync(`${dir}/cgroup.procs`).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/**
 * Removes the measuring cgroups of bench processes that are gone (an earlier run killed, or one
 * whose removal gave up), moving any process left in one to the root cgroup first.
 */
export function sweepAccounts(): void {
  let names: string[];
  try {
    names = [...Deno.readDirSync(ROOT)].filter((e) => e.isDirectory && e.name.startsWith(PREFIX))
      .map((e) => e.name);
  } catch {
    return;
  }
  for (const name of names) {
    if (exists(`/proc/${name.slice(PREFIX.length)}`)) continue; // its bench still runs
    const dir = `${ROOT}/${name}`;
    moveToRoot(dir);
    try {
      Deno.removeSync(dir);
    } catch { /* still leaving: the next run takes it */ }
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` and returns the CPU its child processes used, ms (this process's own CPU excluded).
 *
 * @example
 * ```ts
 * await using acct = cpuAccount();
 * const ms = acct ? await childCpu(acct, () => sup.start(id)) : null;
 * ```
 */
export async function childCpu(acct: CpuAccount, fn: () => Promise<unknown>): Promise<number> {
  const t0 = acct.total();
  const o0 = acct.own();
  await fn();
  return (acct.total() - t0) - (acct.own() - o0);
}
