/** Resident memory from /proc: one process, and a whole process tree (no depth/count cap). */

async function read(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/** VmRSS of `pid` in bytes (0 when gone). */
export async function rssBytes(pid: number): Promise<number> {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await read(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * RssAnon of `pid` in bytes (0 when gone): its private anonymous pages (V8's heap, the malloc
 * heap, stacks), what its code decides; VmRSS also counts file pages shared with other processes
 * (the deno binary, native addons), which move with the page cache's history.
 */
export async function rssAnonBytes(pid: number): Promise<number> {
  const m = /^RssAnon:\s+(\d+)\s+kB/m.exec(await read(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Every descendant of `pid` (children of all its threads), breadth first. */
export async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.shift()!;
    const tasks = [...await Array.fromAsync(Deno.readDir(`/proc/${p}/task`)).catch(() => [])];
    for (const t of tasks) {
      const kids = (await read(`/proc/${p}/task/${t.name}/children`)).trim();
      for (const k of kids ? kids.split(/\s+/).map(Number) : []) {
        out.push(k);
        todo.push(k);
      }
    }
  }
  return out;
}

/** Sum of VmRSS over `pids`. */
export async function sumRss(pids: number[]): Promise<number> {
  let total = 0;
  for (const p of pids) total += await rssBytes(p);
  return total;
}

/** CPU seconds (user + system) `pid` has used so far (0 when gone); USER_HZ = 100. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await read(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return stat ? (Number(f[11]) + Number(f[12])) / 100 : 0;
}

/**
 * CPU seconds of the children `pid` has reaped (`cutime + cstime`; 0 when gone): summed by the
 * kernel from each child's exact run time, so short-lived helpers are counted in full, where
 * each one's own `/proc` figure rounds to 10 ms ticks.
 */
export async function reapedCpuSeconds(pid: number): Promise<number> {
  const stat = await read(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return stat ? (Number(f[13]) + Number(f[14])) / 100 : 0;
}

/** The first of `pids` whose command line contains `text`, or undefined. */
export async function findByCmdline(pids: number[], text: string): Promise<number | undefined> {
  for (const pid of pids) {
    if ((await read(`/proc/${pid}/cmdline`)).includes(text)) return pid;
  }
  return undefined;
}

/** CPU seconds of `pid` and its descendants. */
export async function treeCpuSeconds(pid: number): Promise<number> {
  let total = 0;
  for (const p of [pid, ...await descendants(pid)]) total += await cpuSeconds(p);
  return total;
}

/** Memory of a process set from `smaps_rollup`, bytes: resident, proportional, private (USS). */
export interface TreeMemory {
  rss: number;
  pss: number;
  uss: number;
}

/** Sums RSS, PSS and USS (private clean + dirty) over `pids`. */
export async function treeMemory(pids: number[]): Promise<TreeMemory> {
  const out = { rss: 0, pss: 0, uss: 0 };
  for (const pid of pids) {
    const text = await read(`/proc/${pid}/smaps_rollup`);
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    out.rss += kb("Rss") * 1024;
    out.pss += kb("Pss") * 1024;
    out.uss += (kb("Private_Clean") + kb("Private_Dirty")) * 1024;
  }
  return out;
}

/** Bandwidth counters of a cpu cgroup: periods, throttled periods, throttled time (ms). */
export interface CpuThrottle {
  periods: number;
  throttled: number;
  throttledMs: number;
}

/**
 * The cpu cgroup folder of the first process in `pids` that is in one other than the root (a
 * plugin's launcher may not be, its deno is), or undefined without one (cgroup v1 `cpu`, or v2).
 */
export async function cpuCgroupDir(pids: number[]): Promise<string | undefined> {
  for (const pid of pids) {
    const lines = (await read(`/proc/${pid}/cgroup`)).split("\n");
    const v1 = lines.find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l))?.split(":")[2];
    if (v1 && v1 !== "/") return `/sys/fs/cgroup/cpu${v1}`;
    const v2 = lines.find((l) => l.startsWith("0::"))?.slice(3);
    if (!v1 && v2 && v2 !== "/") return `/sys/fs/cgroup${v2}`;
  }
  return undefined;
}

/** The counters of `dir`'s `cpu.stat` (v1 `nr_*`/`throttled_time` ns, v2 `*_usec`); 0s if none. */
export async function cpuThrottle(dir: string | undefined): Promise<CpuThrottle> {
  const stat = dir ? await read(`${dir}/cpu.stat`) : "";
  const n = (key: string) => Number(new RegExp(`^${key} (\\d+)`, "m").exec(stat)?.[1] ?? 0);
  const ms = n("throttled_time") / 1e6 || n("throttled_usec") / 1e3;
  return { periods: n("nr_periods"), throttled: n("nr_throttled"), throttledMs: ms };
}

/**
 * Run delay of `pid`'s main thread so far, ms (`/proc/<pid>/schedstat`, ns): the time it was
 * runnable but waiting for a CPU. It grows with the machine's load, not with the code it runs; 0
 * when gone.
 */
export async function runDelayMs(pid: number): Promise<number> {
  const f = (await read(`/proc/${pid}/schedstat`)).split(" ");
  return Number(f[1] ?? 0) / 1e6;
}
