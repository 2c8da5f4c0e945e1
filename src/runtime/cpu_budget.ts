/**
 * A CPU-seconds budget for plugins when no cgroup cpu quota is available (SPEC §5): CPU burnt
 * while the plugin had no call in flight (timers, background loops) is measured from /proc and
 * a plugin over its share is restarted.
 */
import { processTree } from "./_proc_tree.ts";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const CLOCK_TICKS = 100;

/** utime + stime of one process in seconds (fields 14 and 15 after the command name). */
export function parseStatCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS;
}

/** CPU seconds used so far by `pid` and its descendants; 0 when gone. */
export async function processTreeCpuSeconds(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) {
    try {
      total += parseStatCpuSeconds(await Deno.readTextFile(`/proc/${p}/stat`));
    } catch {
      // the process exited between listing and reading
    }
  }
  return total;
}

/** Budget settings. */
export interface CpuBudget {
  /** Share of one core a plugin may burn outside calls, in percent. @default 50 */
  percent: number;
  /** Sampling window. @default 10000 */
  windowMs: number;
}

/**
 * Whether one sample is over budget: `usedSeconds` of CPU over `elapsedMs` while idle the whole
 * time. Pure, for the supervisor's timer.
 */
export function overBudget(usedSeconds: number, elapsedMs: number, budget: CpuBudget): boolean {
  return usedSeconds > (budget.percent / 100) * (elapsedMs / 1000);
}

/**
 * A check for the supervisor's timer: samples the process tree of `proc` and calls `onTrip`
 * with the reason when it burnt more than the budget during a whole window without a call.
 */
export function cpuBudgetCheck(
  proc: { pid: number; idleSince: number | null },
  budget: CpuBudget,
  onTrip: (message: string) => void,
): () => Promise<void> {
  let last = { at: Date.now(), cpu: -1 };
  return async () => {
    const now = Date.now();
    const cpu = await processTreeCpuSeconds(proc.pid);
    const idleSince = proc.idleSince;
    const idleWholeWindow = idleSince !== null && idleSince <= last.at;
    if (last.cpu >= 0 && idleWholeWindow && overBudget(cpu - last.cpu, now - last.at, budget)) {
      onTrip(
        `CPU budget exceeded: ${(cpu - last.cpu).toFixed(1)} s of CPU in ` +
          `${(now - last.at) / 1000} s with no call in flight (budget ${budget.percent}% of a ` +
          "core); restarting",
      );
      return;
    }
    last = { at: now, cpu };
  };
}
