/**
 * Measures through a real Supervisor and sandboxed bench-echo processes (SPEC §14 rows 1, 2, 5, 6):
 * cold start, warm round trip, pipelined dispatch, and sandbox overhead on ~1 ms of CPU work.
 */
import { bareBwrapTrue, bareDenoEmpty } from "../lib/floor_start.ts";
import { pipeEchoPipelined } from "../lib/pipe_floor.ts";
import { socketEchoPipelined } from "../lib/socket_floor.ts";
import { startBreakdown } from "../lib/start_breakdown.ts";
import { childCpu, cpuAccount } from "../lib/cpu_account.ts";
import { cpuSeconds, descendants, treeCpuSeconds, treeMemory } from "../lib/proc.ts";
import { noopEvent, startBenchEcho } from "../lib/bench_plugin.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";
import {
  roundTripMeasures,
  sandboxOverheadMeasure,
  type WarmPathTarget,
} from "./warm_path_measures.ts";
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
  const pluginPid = (await p.stats()).pid!;
  const warm: WarmPathTarget = {
    invoke: (kind, name, payload) => sup.invoke(id, kind, name, payload),
    pid: pluginPid,
    acct,
  };
  out.push(...await roundTripMeasures(warm, o));
  const call = (i: number) => sup.invoke(id, "action", "bench.noop", noopEvent(i));
  // CPU per call from /proc (host = this process; plugin = its whole sandbox tree): unlike wall
  // time, it barely moves with the machine's load.
  const cpu = async () => [await cpuSeconds(Deno.pid), await treeCpuSeconds(pluginPid)];

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

  // 6. Sandbox overhead on ~1 ms of CPU work, and where it goes.
  out.push(await sandboxOverheadMeasure(warm, o));
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
