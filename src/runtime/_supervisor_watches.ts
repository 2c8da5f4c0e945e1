/**
 * The timers a supervised plugin's entry arms while it runs: the health ping, the idle stop, the
 * CPU budget (without a cgroup quota) and the watched `$DATA` limit; plus the entry's named
 * timers themselves. Moved out of `supervisor.ts`, which arms them once a start is ready.
 */
import { cpuBudgetCheck } from "./cpu_budget.ts";
import { diskWatchCheck } from "./disk_usage.ts";
import type { PluginProcess } from "./plugin_process.ts";
import type { Entry } from "./_supervisor_entry.ts";
import type { SupervisorSettings } from "./_supervisor_settings.ts";

/** Sets the entry's timer `name` (replacing one of that name). */
export function setEntryTimer(
  e: Entry,
  name: string,
  ms: number,
  fn: () => void,
  repeat = false,
): void {
  clearTimeout(e.timers.get(name));
  const t = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
  e.timers.set(name, t);
}

/** Clears every timer of the entry. */
export function clearEntryTimers(e: Entry): void {
  for (const t of e.timers.values()) clearTimeout(t);
  e.timers.clear();
}

/** The health ping, every `healthIntervalMs`; `record` gets a failed ping's error. */
export function armHealth(e: Entry, o: SupervisorSettings, record: (err: unknown) => void): void {
  const ms = o.healthIntervalMs;
  if (ms <= 0) return;
  const check = () => e.health.check(() => e.proc, o.healthTimeoutMs, record);
  check(); // health is known from the first second, not after one interval
  setEntryTimer(e, "health", ms, check, true);
}

/** Without a cgroup cpu quota, restart a plugin that burns CPU while no call is in flight. */
export function armCpuBudget(
  e: Entry,
  proc: PluginProcess,
  o: SupervisorSettings,
  log: (msg: string) => void,
): void {
  const budget = o.cpuBudget;
  if (!budget || e.cpuQuota) return;
  const check = cpuBudgetCheck(proc, budget, (msg) => {
    if (e.proc !== proc) return;
    log(msg);
    proc.kill("cpu_budget");
  });
  setEntryTimer(e, "cpu", budget.windowMs, () => void (e.proc === proc && check()), true);
}

/**
 * Watched `$DATA` (no volume): over the limit, `fail` (the supervisor says why and marks the
 * plugin failed for good), then the process is killed.
 */
export function armDiskWatch(
  e: Entry,
  proc: PluginProcess,
  o: SupervisorSettings,
  fail: (reason: string) => void,
): void {
  const disk = e.spec.disk;
  if (!disk || disk.enforcement !== "watched") return;
  const check = diskWatchCheck(e.spec.id, disk, (reason) => {
    if (e.proc !== proc) return;
    fail(reason);
    proc.kill("disk_quota");
  });
  setEntryTimer(e, "disk", o.diskWatchMs, () => void (e.proc === proc && check()), true);
}

/**
 * The idle stop of a plugin with only action/cron hooks: `stop` once no call ran for
 * `idleStopMs`, counted from the end of the last call.
 */
export function armIdle(
  e: Entry,
  idleStopMs: number,
  stop: () => void,
  delayMs = idleStopMs,
): void {
  const ms = idleStopMs;
  const h = e.spec.expectedHandlers;
  if (ms <= 0 || h.filters.length + h.gates.length + h.routes.length > 0) return;
  setEntryTimer(e, "idle", delayMs, () => {
    e.timers.delete("idle");
    if (e.state !== "running") return;
    // Idle time counts from the end of the last call: a call longer than the idle time is
    // never stopped under it (it was, and its delivery then ran the handler a second time).
    const since = e.proc?.idleSince;
    if (since === null) return armIdle(e, idleStopMs, stop);
    const left = ms - (Date.now() - (since ?? 0));
    if (left > 0) return armIdle(e, idleStopMs, stop, left);
    stop();
  });
}
