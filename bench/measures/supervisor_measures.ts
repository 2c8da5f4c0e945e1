/**
 * Measures through a real Supervisor and sandboxed bench-echo processes (SPEC §14 rows 1, 2, 5, 6):
 * cold start, warm round trip, pipelined dispatch, and sandbox overhead on ~1 ms of CPU work.
 */
import { bareBwrapTrue, bareDenoEmpty } from "../lib/floor_start.ts";
import { pipeEchoPipelined, pipeEchoRoundTrips } from "../lib/pipe_floor.ts";
import { socketEchoPipelined, socketEchoRoundTrips } from "../lib/socket_floor.ts";
import { startBreakdown } from "../lib/start_breakdown.ts";
import { childCpu, cpuAccount } from "../lib/cpu_account.ts";
import { frameCostMicros } from "../lib/frame_cost.ts";
import {
  cpuCgroupDir,
  cpuSeconds,
  cpuThrottle,
  descendants,
  treeCpuSeconds,
  treeMemory,
} from "../lib/proc.ts";
import { noopEvent, noopInProcess, startBenchEcho, workInProcess } from "../lib/bench_plugin.ts";
import { type MeasureResult, result, summarize, summarizeRates, timeEach } from "../lib/stats.ts";
import { work } from "../plugins/bench-echo/work.ts";
import { IDLE_RELEASE_MS } from "../../src/runtime/shim/idle_memory.ts";

/** Sample counts; the defaults keep this group under ~30 s on 2 cores. */
export interface SupervisorMeasureOptions {
  coldStarts: number;
  roundTrips: number;
  dispatchCalls: number;
  dispatchRounds: number;
  overheadCalls: number;
}

const LAYER_NAMES: Record<string, string> = {
  deno: "deno run empty.mjs",
  bwrap: "bwrap true",
  bwrap_deno: "deno run empty.mjs in bwrap",
  launcher_cgroup: "+ launcher joining a cgroup, cpu quota after ready (plugd now)",
  cgroup_quota_at_spawn: "+ 50% cpu quota set at spawn (plugd before)",
  cgroup_quota_burst_at_spawn: "+ 50% quota with a 50% burst at spawn",
};

/** Rounds of `work()` that take about `ms` in this process (after JIT warm-up). */
function calibrate(ms: number): number {
  let n = 10_000;
  for (let i = 0; i < 2000; i++) work(n); // warm the JIT
  for (;;) {
    // The median of 21 single runs: a loaded machine preempts some, an average would drift.
    const per = summarize(Array.from({ length: 21 }, () => {
      const t = performance.now();
      work(n);
      return performance.now() - t;
    })).median;
    if (per > ms / 4) return Math.round(n * ms / per);
    n *= 2;
  }
}

/** Runs the four Supervisor measures on one plugin process. */
export async function supervisorMeasures(o: SupervisorMeasureOptions): Promise<MeasureResult[]> {
  // Declared first, so it is disposed after the plugin (its processes are counted in it).
  await using acct = cpuAccount();
  await using p = await startBenchEcho();
  const sup = p.supervisor;
  const id = p.id;
  const out: MeasureResult[] = [];

  // 1. Cold start: stop, then time start() (spawn under bwrap + caps -> ready handshake).
  for (let i = 0; i < 3; i++) await sup.restart(id); // warm-up (page cache, cgroup dirs)
  const starts: number[] = [];
  // CPU per start (the plugin's processes; the bench's own = the host side) and per floor run.
  const pluginCpu: number[] = [];
  const hostCpu: number[] = [];
  for (let i = 0; i < o.coldStarts; i++) {
    await sup.stop(id);
    const [c0, h0] = [acct?.total() ?? 0, acct?.own() ?? 0];
    const t = performance.now();
    await sup.start(id);
    starts.push(performance.now() - t);
    const [c1, h1] = [acct?.total() ?? 0, acct?.own() ?? 0];
    pluginCpu.push((c1 - c0) - (h1 - h0));
    hostCpu.push(h1 - h0);
  }
  // Floors in the same run: bare bwrap running `true`, bare deno running an empty module.
  const floorN = Math.min(o.coldStarts, 20);
  let bwrapRuns: number[] = [];
  let denoRuns: number[] = [];
  // Each floor helper spawns floorN + 1 processes (the first uncounted in time, counted in CPU).
  const bwrapCpu = acct &&
    await childCpu(acct, async () => bwrapRuns = await bareBwrapTrue(floorN));
  const denoCpu = acct && await childCpu(acct, async () => denoRuns = await bareDenoEmpty(floorN));
  const bwrapFloor = summarize(bwrapRuns);
  const denoFloor = summarize(denoRuns);
  const floorsCpu = acct ? (bwrapCpu! + denoCpu!) / (floorN + 1) : null;
  const startCpu = acct ? summarize(pluginCpu).median : null;
  out.push(result({
    id: "cold_start",
    name: "plugin cold start (spawn -> ready), Supervisor",
    unit: "ms",
    ...summarize(starts),
    target: { stat: "ratio", op: "<", value: 1.1 },
    floor: {
      name: `bwrap true ${bwrapFloor.median.toFixed(1)} + deno run empty ${
        denoFloor.median.toFixed(1)
      } ms`,
      median: bwrapFloor.median + denoFloor.median,
      p99: null,
      count: bwrapFloor.count,
    },
    config: {
      sandbox: "bwrap",
      caps: (await p.stats()).caps ?? "none",
      bwrap_true_median_ms: bwrapFloor.median,
      deno_run_empty_median_ms: denoFloor.median,
      // CPU time (cpuacct; null where it cannot be counted): what load barely moves.
      plugin_cpu_ms_per_start: startCpu,
      host_cpu_ms_per_start: acct ? summarize(hostCpu).median : null,
      floors_cpu_ms: floorsCpu,
      plugin_cpu_over_floors_cpu: startCpu !== null && floorsCpu ? startCpu / floorsCpu : null,
    },
    notes: "floors: spawn -> exit of `bwrap --unshare-all ... true` and `deno run empty.mjs`; " +
      "config: CPU per start of the plugin's processes (spawn -> ready) and of the host (this " +
      "process), and the two floors' CPU per run, from a cpuacct cgroup",
  }));

  // The cold start layer by layer (interleaved); plugd's start minus the launcher step is module
  // load + handshake.
  const layers = await startBreakdown(floorN);
  const coldMedian = out.at(-1)!.median;
  for (const [step, samples] of Object.entries(layers?.times ?? {})) {
    const throttled = layers?.throttled[step as keyof typeof layers.throttled];
    out.push(result({
      id: `cold_start_${step}`,
      name: `cold start layer: ${LAYER_NAMES[step] ?? step}`,
      unit: "ms",
      ...summarize(samples),
      target: null,
      config: {
        ...(step === "launcher_cgroup"
          ? { plugd_cold_start_minus_this_ms: coldMedian - summarize(samples).median }
          : {}),
        ...(throttled?.length ? { cpu_throttled_ms_median: summarize(throttled).median } : {}),
      },
    }));
  }

  // 2. Warm action round trip, sequential.
  const call = (i: number) => sup.invoke(id, "action", "bench.noop", noopEvent(i));
  await timeEach(1000, call);
  // CPU per call from /proc (host = this process; plugin = its whole sandbox tree): unlike wall
  // time, it barely moves with the machine's load.
  const pluginPid = (await p.stats()).pid!;
  const cpu = async () => [await cpuSeconds(Deno.pid), await treeCpuSeconds(pluginPid)];
  const [h0, c0] = await cpu();
  const rtt = summarize(await timeEach(o.roundTrips, call));
  const [h1, c1] = await cpu();
  await timeEach(1000, (i) => noopInProcess(noopEvent(i)));
  const inProc = summarize(await timeEach(o.roundTrips, (i) => noopInProcess(noopEvent(i))));
  const pipe = summarize(await pipeEchoRoundTrips(o.roundTrips));
  const socket = summarize(await socketEchoRoundTrips(o.roundTrips));
  out.push(result({
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
      host_cpu_us_per_call: (h1! - h0!) / o.roundTrips * 1e6,
      plugin_cpu_us_per_call: (c1! - c0!) / o.roundTrips * 1e6,
      json_and_framing_cpu_us_per_call: await frameCostMicros(50_000),
    },
    notes: "pipe echo floor: one NDJSON line to a bare deno child and back, no sandbox; " +
      "config.unix_socket_echo_*: the same over a Unix socket",
  }));
  out.push(result({
    id: "round_trip_p99",
    name: "warm action round trip p99",
    unit: "ms",
    ...rtt,
    target: { stat: "p99", op: "<", value: 2 },
  }));

  // 5. Pipelined dispatch: keep `inFlight` calls outstanding.
  const inFlight = 512;
  const rates: number[] = [];
  let [ph0, pc0] = await cpu();
  for (let r = 0; r < o.dispatchRounds + 1; r++) {
    if (r === 1) [ph0, pc0] = await cpu();
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < o.dispatchCalls) await call(next++);
    }));
    if (r > 0) rates.push(o.dispatchCalls / ((performance.now() - t) / 1000));
  }
  const [ph1, pc1] = await cpu();
  const pipeRates = summarizeRates(
    await pipeEchoPipelined(o.dispatchCalls, inFlight, o.dispatchRounds),
  );
  const socketRates = summarizeRates(
    await socketEchoPipelined(o.dispatchCalls, inFlight, o.dispatchRounds),
  );
  out.push(result({
    id: "dispatch_throughput",
    name: "action dispatch to one plugin, pipelined",
    unit: "calls/s",
    ...summarizeRates(rates),
    target: { stat: "median", op: ">", value: 150_000 },
    floor: { name: "pipelined echo, bare deno child", ...pipeRates },
    config: {
      in_flight: inFlight,
      calls_per_round: o.dispatchCalls,
      concurrency_limit: 1024,
      unix_socket_pipelined_echo_median: socketRates.median,
      ratio_to_unix_socket_pipelined_echo: summarizeRates(rates).median / socketRates.median,
      host_cpu_us_per_call: (ph1! - ph0!) / (o.dispatchCalls * o.dispatchRounds) * 1e6,
      plugin_cpu_us_per_call: (pc1! - pc0!) / (o.dispatchCalls * o.dispatchRounds) * 1e6,
    },
  }));

  // 6. Sandbox overhead on ~1 ms of CPU work; calls paced (a hook, not a saturating load: the
  // plugin's cgroup cpu quota of 50% of a core would otherwise throttle a busy loop).
  const n = calibrate(1);
  const inside: number[] = [];
  const viaPlugd = async (_i: number) => {
    const r = await sup.invoke(id, "filter", "bench.work", { n }) as { ms: number };
    inside.push(r.ms);
  };
  const inProcess = (_i: number) => workInProcess({ n });
  await timeEach(200, viaPlugd);
  await timeEach(200, inProcess);
  const a: number[] = [];
  const b: number[] = [];
  // Where the ratio goes: the plugin cgroup's quota (throttled periods), the work itself inside
  // the plugin, and a no-op call paced the same way (the round trip to a process that idled).
  const cgroup = await cpuCgroupDir([pluginPid, ...await descendants(pluginPid)]);
  const quota0 = await cpuThrottle(cgroup);
  for (let i = 0; i < o.overheadCalls; i++) {
    a.push(...await timeEach(1, viaPlugd));
    b.push(...await timeEach(1, inProcess));
    await new Promise((r) => setTimeout(r, 2));
  }
  const quota1 = await cpuThrottle(cgroup);
  const c: number[] = [];
  for (let i = 0; i < o.overheadCalls; i++) {
    c.push(...await timeEach(1, call));
    await timeEach(1, inProcess);
    await new Promise((r) => setTimeout(r, 2));
  }
  const plugd = summarize(a);
  const work = summarize(inside.slice(-o.overheadCalls));
  const floor = summarize(b);
  out.push(result({
    id: "sandbox_overhead",
    name: "sandbox overhead, ~1 ms CPU hook (plugd / in-process)",
    unit: "ratio",
    median: plugd.median / floor.median,
    p99: plugd.p99 / floor.p99,
    count: plugd.count,
    target: { stat: "median", op: "<", value: 1.05 },
    floor: { name: "same function in-process (ms)", ...floor },
    config: {
      work_rounds: n,
      plugd_median_ms: plugd.median,
      plugd_p99_ms: plugd.p99,
      work_inside_plugin_median_ms: work.median,
      work_inside_vs_in_process: work.median / floor.median,
      noop_paced_median_ms: summarize(c).median,
      cpu_periods: quota1.periods - quota0.periods,
      cpu_throttled_periods: quota1.throttled - quota0.throttled,
      cpu_throttled_ms: quota1.throttledMs - quota0.throttledMs,
    },
    notes: "calls interleaved with the in-process floor and paced 2 ms apart; config: the work " +
      "timed inside the plugin, a no-op call paced the same way, the plugin cgroup's throttling",
  }));
  // Memory of the idle plugin's whole tree (launcher/bwrap processes and deno): the runtime's
  // pages are shared between plugins, so what one more plugin costs is its USS. Read right after
  // the calls and once the shim's idle release (10 s after the last call) had its chance.
  const tree = [pluginPid, ...await descendants(pluginPid)];
  const busy = await treeMemory(tree);
  await new Promise((r) => setTimeout(r, IDLE_RELEASE_MS + 2000));
  const mem = await treeMemory(tree);
  const MIB = 1024 * 1024;
  out.push(result({
    id: "plugin_memory_uss",
    name: "idle plugin process tree: private memory (USS)",
    unit: "MiB",
    median: mem.uss / MIB,
    p99: null,
    count: 1,
    target: { stat: "median", op: "<", value: 12 },
    config: {
      rss_mib: mem.rss / MIB,
      pss_mib: mem.pss / MIB,
      processes: tree.length,
      uss_right_after_calls_mib: busy.uss / MIB,
      idle_s: (IDLE_RELEASE_MS + 2000) / 1000,
    },
    notes: "idle after the measures above (its heap has seen 100k+ calls); smaps_rollup of each " +
      "process",
  }));
  return out;
}
