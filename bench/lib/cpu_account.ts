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
    const dir = `${ROOT}/plugd-bench-${Deno.pid}`;
    Deno.mkdirSync(dir);
    Deno.writeTextFileSync(`${dir}/cgroup.procs`, String(Deno.pid));
    return {
      total: () => Number(Deno.readTextFileSync(`${dir}/cpuacct.usage`)) / 1e6,
      own: () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      },
      // Dispose it after what it measured (declare it first): killed children may take a moment
      // to leave, so the folder's removal is retried for up to 2 s.
      async [Symbol.asyncDispose]() {
        try {
          Deno.writeTextFileSync(`${ROOT}/cgroup.procs`, String(Deno.pid));
        } catch { /* gone already */ }
        for (let i = 0; i < 100; i++) {
          try {
            Deno.removeSync(dir);
            return;
          } catch (e) {
            if (e instanceof Deno.errors.NotFound) return;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      },
    };
  } catch {
    return null;
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
