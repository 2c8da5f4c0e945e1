/**
 * The warm path through a real Supervisor and a sandboxed bench-echo process (SPEC §14): the
 * round trip against the pipe and socket echo floors, and the overhead on a ~1 ms hook against
 * the same function in-process and in a bare Deno child.
 */
import process from "node:process";
import type { CpuAccount } from "../lib/cpu_account.ts";
import { frameCostMicros } from "../lib/frame_cost.ts";
import { pipeEchoRoundTrips } from "../lib/pipe_floor.ts";
import { cpuCgroupDir, cpuThrottle, descendants, runDelayMs, treeCpuSeconds } from "../lib/proc.ts";
import { socketEchoRoundTrips } from "../lib/socket_floor.ts";
import { type MeasureResult, result, summarize, timeEach } from "../lib/stats.ts";
import { noopEvent, noopInProcess, workInProcess } from "../lib/bench_plugin.ts";
import { openWorkChild, type WorkTimes } from "../lib/work_floor.ts";
import { work } from "../plugins/bench-echo/work.ts";

/** The plugin the warm-path measures call, and the CPU counters of this run. */
export interface WarmPathTarget {
  invoke(kind: "action" | "filter", name: string, payload: unknown): Promise<unknown>;
  /** The plugin's process (its whole sandbox tree is counted). */
  pid: number;
  acct: CpuAccount | null;
}

/** Sample counts of the warm-path measures. */
export interface WarmPathOptions {
  /** Sequential round trips through plugd (and as many of each floor). */
  roundTrips: number;
  /** Paced calls of the 1 ms hook (and as many of each floor). */
  overheadCalls: number;
}

/** This process's CPU so far, ms (µs resolution, where /proc counts 10 ms ticks). */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU of the plugin's tree so far, ms: cpuacct (ns) when the run has one, else /proc. */
async function pluginCpuMs(t: WarmPathTarget): Promise<number> {
  return t.acct ? t.acct.total() - t.acct.own() : await treeCpuSeconds(t.pid) * 1000;
}

const median = (xs: number[]): number => summarize(xs).median;

/**
 * Round trip p50 and p99 against the pipe echo floor: `roundTrips` sequential calls, then the same
 * count to a bare pipe echo child and to a socket echo child. (Interleaved rounds were measured and
 * not adopted: they spread more between runs here, see docs/performance.md.)
 */
export async function roundTripMeasures(
  t: WarmPathTarget,
  o: WarmPathOptions,
): Promise<MeasureResult[]> {
  const call = (i: number) => t.invoke("action", "bench.noop", noopEvent(i));
  await timeEach(1000, call);
  // CPU per call (host = this process; plugin = its whole sandbox tree): unlike wall time, it
  // moves less with the machine's load.
  const [h0, c0] = [ownCpuMs(), await pluginCpuMs(t)];
  const rtt = summarize(await timeEach(o.roundTrips, call));
  const [h1, c1] = [ownCpuMs(), await pluginCpuMs(t)];
  await timeEach(1000, (i) => noopInProcess(noopEvent(i)));
  const inProc = summarize(await timeEach(o.roundTrips, (i) => noopInProcess(noopEvent(i))));
  const pipe = summarize(await pipeEchoRoundTrips(o.roundTrips));
  const socket = summarize(await socketEchoRoundTrips(o.roundTrips));
  return [
    result({
      id: "round_trip",
      name: "warm action round trip (Supervisor.invoke)",
      unit: "ms",
      ...rtt,
      target: { stat: "ratio", op: "<", value: 1.2 },
      floor: { name: "pipe echo to a bare deno child", ...pipe },
      config: {
        in_process_median_ms: inProc.median,
        in_process_p99_ms: inProc.p99,
        unix_socket_echo_median_ms: socket.median,
        ratio_to_unix_socket_echo: rtt.median / socket.median,
        host_cpu_us_per_call: (h1 - h0) / o.roundTrips * 1000,
        plugin_cpu_us_per_call: (c1 - c0) / o.roundTrips * 1000,
        json_and_framing_cpu_us_per_call: await frameCostMicros(50_000),
      },
      notes: "pipe echo floor: one NDJSON line to a bare deno child and back, no sandbox; " +
        "config.unix_socket_echo_*: the same over a Unix socket; CPU per call: this process " +
        "from getrusage, the plugin's tree from a cpuacct cgroup (else /proc)",
    }),
    result({
      id: "round_trip_p99",
      name: "warm action round trip p99",
      unit: "ms",
      ...rtt,
      target: { stat: "p99", op: "<", value: 2 },
    }),
  ];
}

/** Rounds of `work()` that take about `ms` in this process (after JIT warm-up). */
function calibrate(ms: number): number {
  let n = 10_000;
  for (let i = 0; i < 2000; i++) work(n); // warm the JIT
  for (;;) {
    // The median of 21 single runs: a loaded machine preempts some, an average would drift.
    const per = median(Array.from({ length: 21 }, () => {
      const t = performance.now();
      work(n);
      return performance.now() - t;
    }));
    if (per > ms / 4) return Math.round(n * ms / per);
    n *= 2;
  }
}

/**
 * `count` rounds of `steps`, one call each, then a 2 ms pause (a hook, not a saturating load: the
 * plugin's cgroup quota, 50 % of a core, would throttle a busy loop); the durations per step, ms.
 */
async function paced(count: number, steps: Array<() => Promise<unknown>>): Promise<number[][]> {
  const out = steps.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < steps.length; k++) out[k]!.push(...await timeEach(1, steps[k]!));
    await new Promise((r) => setTimeout(r, 2));
  }
  return out;
}

/**
 * Overhead on a ~1 ms hook: plugd / the same function in-process, in paced rounds that also call
 * the same hook in a bare Deno child over a socket (no sandbox, no protocol). `config` takes the
 * ratio apart: the work timed inside the plugin, the cgroup's throttling, a no-op call paced the
 * same way, and the bare child's figures from the same rounds.
 */
export async function sandboxOverheadMeasure(
  t: WarmPathTarget,
  o: WarmPathOptions,
): Promise<MeasureResult> {
  const n = calibrate(1);
  const inside: number[] = [];
  // Each call's way in (host's call -> the work starts) and back (the work ends -> the host has
  // the answer), from clocks that compare across processes.
  const epoch = () => performance.timeOrigin + performance.now();
  const legs: Record<"plugdIn" | "plugdBack" | "bareIn" | "bareBack", number[]> = {
    plugdIn: [],
    plugdBack: [],
    bareIn: [],
    bareBack: [],
  };
  const viaPlugd = async () => {
    const t0 = epoch();
    const r = await t.invoke("filter", "bench.work", { n }) as WorkTimes;
    legs.plugdBack.push(epoch() - r.end);
    legs.plugdIn.push(r.at - t0);
    inside.push(r.ms);
  };
  const inProcess = () => workInProcess({ n });
  await timeEach(200, viaPlugd);
  await timeEach(200, inProcess);
  // The same hook in a bare child, in the same rounds: plugd, in-process, bare child, 2 ms.
  await using bare = await openWorkChild();
  const bareInside: number[] = [];
  const viaBare = async () => {
    const t0 = epoch();
    const r = await bare.call(n);
    legs.bareBack.push(epoch() - r.end);
    legs.bareIn.push(r.at - t0);
    bareInside.push(r.ms);
  };
  await timeEach(200, viaBare);
  const tree = [t.pid, ...await descendants(t.pid)];
  const cgroup = await cpuCgroupDir(tree);
  const quota0 = await cpuThrottle(cgroup);
  // The main threads' waits for a CPU: the plugin's deno (the tree's last), the bare child, this.
  const waiters = [tree.at(-1)!, bare.pid, Deno.pid];
  const wait0 = await Promise.all(waiters.map(runDelayMs));
  const [calls, inProc, bareCalls] = await paced(o.overheadCalls, [viaPlugd, inProcess, viaBare]);
  const wait1 = await Promise.all(waiters.map(runDelayMs));
  const waitUs = (i: number) => (wait1[i]! - wait0[i]!) / o.overheadCalls * 1000;
  const quota1 = await cpuThrottle(cgroup);
  const noopCall = () => t.invoke("action", "bench.noop", noopEvent(0));
  const [noop, , bareNoop] = await paced(o.overheadCalls, [
    noopCall,
    inProcess,
    () => bare.call(0),
  ]);
  const p = summarize(calls!);
  const floor = summarize(inProc!);
  const bareRatio = median(bareCalls!) / floor.median;
  const work = median(inside.slice(-o.overheadCalls));
  return result({
    id: "sandbox_overhead",
    name: "sandbox overhead, ~1 ms CPU hook (plugd / in-process)",
    unit: "ratio",
    median: p.median / floor.median,
    p99: p.p99 / floor.p99,
    count: p.count,
    target: { stat: "median", op: "<", value: 1.05 },
    floor: { name: "same function in-process (ms)", ...floor },
    config: {
      work_rounds: n,
      plugd_median_ms: p.median,
      plugd_p99_ms: p.p99,
      work_inside_plugin_median_ms: work,
      work_inside_vs_in_process: work / floor.median,
      noop_paced_median_ms: median(noop!),
      cpu_periods: quota1.periods - quota0.periods,
      cpu_throttled_periods: quota1.throttled - quota0.throttled,
      cpu_throttled_ms: quota1.throttledMs - quota0.throttledMs,
      bare_child_median_ms: median(bareCalls!),
      bare_child_vs_in_process: bareRatio,
      bare_child_work_inside_median_ms: median(bareInside.slice(-o.overheadCalls)),
      bare_child_noop_paced_median_ms: median(bareNoop!),
      plugd_vs_bare_child: (p.median / floor.median) / bareRatio,
      plugd_in_median_ms: median(legs.plugdIn.slice(-o.overheadCalls)),
      plugd_back_median_ms: median(legs.plugdBack.slice(-o.overheadCalls)),
      bare_child_in_median_ms: median(legs.bareIn.slice(-o.overheadCalls)),
      bare_child_back_median_ms: median(legs.bareBack.slice(-o.overheadCalls)),
      plugin_run_delay_us_per_round: waitUs(0),
      bare_child_run_delay_us_per_round: waitUs(1),
      host_run_delay_us_per_round: waitUs(2),
    },
    notes: "rounds of one call through plugd, the same function in-process and the same hook in " +
      "a bare deno child over a Unix socket (no sandbox, no protocol: what any out-of-process " +
      "plugin pays here), then 2 ms; config: the work timed inside each, the plugin cgroup's " +
      "throttling, and a no-op call in rounds paced the same way; *_in/_back: host's call -> " +
      "the work starts, the work ends -> host has the answer (clocks compared across " +
      "processes); *_run_delay: main threads' time runnable but waiting for a CPU (schedstat)",
  });
}
