/**
 * `deno task bench`: every SPEC §14 figure against a real daemon and real sandboxed plugin
 * processes. Prints one table and writes bench/results.json. Exits 0 when every measure ran
 * (a missed target is reported, not a failure); 1 when a measure itself broke.
 *
 *   deno task bench [--only id,id] [--quick] [--out bench/results.json]
 *
 * Group ids: supervisor, events, webhooks, signed, many, ondemand, console, registry, surfaces, author, fleet, fleet_tasks, tasks, records_off, records_on, executions, log-hub, ci-pipelines; and `soak` (issue 22, 60 s under faults), which runs only when
 * named: `deno task bench --only soak`.
 */
import { parseArgs } from "node:util";
import { machineInfo } from "./lib/machine.ts";
import { descendants } from "./lib/proc.ts";
import type { MeasureResult } from "./lib/stats.ts";
import { renderTable } from "./lib/table.ts";
import { supervisorMeasures } from "./measures/supervisor_measures.ts";
import { eventsMeasures } from "./measures/events_measures.ts";
import { manyPlugins } from "./measures/many_plugins.ts";
import { signedInstall } from "./measures/signed_install.ts";
import { onDemandMeasures } from "./measures/on_demand.ts";
import { webhookDeliveries } from "./measures/webhooks_measure.ts";
import { consoleMeasures } from "./measures/console_measures.ts";
import { registryMeasures } from "./measures/registry_measures.ts";
import { surfacesMeasures } from "./measures/surfaces_measures.ts";
import { soak } from "./measures/soak.ts";
import { authorMeasures } from "./measures/author_measures.ts";
import { fleetMeasures } from "./measures/fleet_measures.ts";
import { fleetTaskMeasures } from "./measures/fleet_task_measures.ts";
import { logHubMeasures } from "./measures/log_hub_measures.ts";
import { ciPipelinesMeasures } from "./measures/ci_pipelines_measures.ts";
import {
  executionQueryMeasures,
  recordsLoss,
  recordsMeasures,
  taskMeasures,
  type WorkMeasureOptions,
} from "./measures/work_measures.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    out: { type: "string", default: new URL("./results.json", import.meta.url).pathname },
    // Internal: run one group in this process and write its results to --out.
    child: { type: "string" },
  },
});
const q = values.quick ? 0.2 : 1;
const n = (x: number) => Math.max(3, Math.round(x * q));

/** Sample counts of the work-model groups (tasks, records, executions). */
function work(): WorkMeasureOptions {
  return {
    tasks: n(2000),
    clients: 64,
    waits: n(200),
    events: n(5000),
    rounds: 3,
    rows: values.quick ? 100_000 : 1_000_000,
    queries: n(200),
  };
}

/** Each group with its sample counts (full run ≈ 3-5 minutes on 2 cores). */
const GROUPS: Record<string, () => Promise<MeasureResult[]>> = {
  supervisor: () =>
    supervisorMeasures({
      coldStarts: n(50),
      roundTrips: n(5000),
      dispatchCalls: n(50_000),
      dispatchRounds: 5,
      overheadCalls: n(500),
    }),
  events: () =>
    eventsMeasures({
      waits: n(2000),
      clients: 64,
      eventsPerRound: n(20_000),
      rounds: 3,
      batch: 100,
    }),
  webhooks: () =>
    webhookDeliveries({ events: n(5000), endpoints: 4, endpointConcurrency: 16, rounds: 3 }),
  signed: () => signedInstall({ cycles: n(10) }),
  ondemand: () =>
    onDemandMeasures({
      count: values.quick ? 100 : 1000,
      parallel: 4,
      idleStopMs: 1500,
      coldSamples: values.quick ? 10 : 30,
      standbySamples: values.quick ? 8 : 15,
    }),
  many: () =>
    manyPlugins({ count: values.quick ? 40 : 200, parallel: 4, budgetMs: 180_000, distinct: 20 }),
  console: () =>
    consoleMeasures({
      plugins: values.quick ? 40 : 200,
      installed: values.quick ? 8 : 20,
      enabled: 5,
      auditRows: values.quick ? 20_000 : 100_000,
      requests: n(100),
    }),
  registry: () =>
    registryMeasures({
      plugins: 10_000,
      versions: 100_000,
      searches: n(700),
      publishes: n(20),
      advisories: values.quick ? 1 : 3,
    }),
  surfaces: () =>
    surfacesMeasures({
      rounds: 3,
      seconds: values.quick ? 2 : 5,
      connections: 32,
      commands: n(500),
    }),
  fleet: () =>
    fleetMeasures({ applies: n(5), events: values.quick ? 300 : 2000, rounds: 3, clients: 32 }),
  fleet_tasks: () =>
    fleetTaskMeasures({
      tasks: values.quick ? 200 : 500,
      rounds: 3,
      clients: 32,
      budgetMs: values.quick ? 110_000 : 220_000,
    }),
  tasks: () => taskMeasures(work()),
  records_off: () => recordsMeasures(work(), "off"),
  records_on: () => recordsMeasures(work(), "on"),
  executions: () => executionQueryMeasures(work()),
  soak: () => soak({ seconds: values.quick ? 12 : 60, clients: 64, drainSeconds: 90 }),
  author: () =>
    authorMeasures({ points: n(2000), insertRounds: n(10), batchSize: 1000, packs: n(5) }),
  "log-hub": () =>
    logHubMeasures({
      lines: values.quick ? 100_000 : 1_000_000,
      fileRound: values.quick ? 10_000 : 50_000,
      fileRounds: 3,
      httpRound: values.quick ? 20_000 : 100_000,
      batch: 2500,
      clients: 4,
      searches: n(30),
    }),
  "ci-pipelines": () => ciPipelinesMeasures({ pipelines: 10_000, repos: 100, decisions: n(1000) }),
};

/** Groups that run only when named with --only (long). */
const ON_DEMAND = new Set(["soak"]);

/** A group that takes longer than this is reported as broken (the bench never hangs). */
const GROUP_DEADLINE_MS = 300_000;
/** Groups that wait on real schedules (the registry's advisory poll is 30 s) get longer. */
const GROUP_DEADLINES: Record<string, number> = {
  registry: 540_000,
  "log-hub": 1_200_000,
  ondemand: 1_200_000, // 1,000 installs, grants and enables (each enable starts the plugin once)
};

if (values.child) {
  const results = await GROUPS[values.child]!();
  // Sync: after heavy socket load Deno 2.9 may never resolve async file ops (see runGroup).
  Deno.writeTextFileSync(values.out!, JSON.stringify(results));
  Deno.exit(0);
}

/**
 * Runs one group in its own `deno run` process: a fresh heap and JIT per group, and a clean
 * process after load (Deno 2.9 can wedge its blocking-op pool after many concurrent Unix-socket
 * fetches to a daemon that was then killed: later file ops never resolve). Killed at `ms`.
 */
async function runGroup(id: string, ms: number): Promise<MeasureResult[]> {
  const out = await Deno.makeTempFile({ prefix: `plugd-bench-${id}-`, suffix: ".json" });
  const args = ["run", "--allow-all", new URL(import.meta.url).pathname, "--child", id];
  if (values.quick) args.push("--quick");
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "--out", out],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // On the deadline, kill the whole tree: the group's daemon and plugins would outlive it.
  const timer = setTimeout(async () => {
    for (const pid of [child.pid, ...await descendants(child.pid)]) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
  }, ms);
  try {
    const status = await child.status;
    if (!status.success) {
      throw new Error(
        status.signal === "SIGKILL"
          ? `group "${id}" did not finish in ${ms / 1000} s`
          : `group "${id}" exited with code ${status.code}`,
      );
    }
    return JSON.parse(await Deno.readTextFile(out)) as MeasureResult[];
  } finally {
    clearTimeout(timer);
    await Deno.remove(out).catch(() => {});
  }
}

const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
for (const id of only ?? []) {
  if (!GROUPS[id]) {
    console.error(`Unknown group "${id}"; choose from ${Object.keys(GROUPS).join(", ")}`);
    Deno.exit(2);
  }
}

const started = performance.now();
const results: MeasureResult[] = [];
const errors: { group: string; error: string }[] = [];
const timings: Record<string, number> = {};
for (const id of Object.keys(GROUPS)) {
  if (only ? !only.includes(id) : ON_DEMAND.has(id)) continue;
  const t = performance.now();
  console.error(`bench: ${id} ...`);
  try {
    results.push(...await runGroup(id, GROUP_DEADLINES[id] ?? GROUP_DEADLINE_MS));
  } catch (error) {
    const e = error as Error;
    errors.push({ group: id, error: e.stack ?? String(e) });
    console.error(`bench: ${id} broke: ${e.stack ?? e}`);
  }
  timings[id] = (performance.now() - t) / 1000;
  console.error(`bench: ${id} done in ${timings[id]!.toFixed(1)} s`);
}
const loss = recordsLoss(results);
if (loss) results.push(loss);
const totalS = (performance.now() - started) / 1000;

const report = {
  generated_at: new Date().toISOString(),
  machine: await machineInfo(),
  quick: values.quick,
  duration_s: totalS,
  group_duration_s: timings,
  measures: results,
  errors,
};
await Deno.writeTextFile(values.out!, JSON.stringify(report, null, 2) + "\n");

const missed = results.filter((r) => r.pass === false).length;
console.log(renderTable(results));
console.log(
  `\n${results.length} figures, ${missed} missed target${missed === 1 ? "" : "s"}, ` +
    `${errors.length} broken; ${totalS.toFixed(0)} s; ${report.machine.cpu_model}, ` +
    `${report.machine.cores} cores, Deno ${report.machine.deno}; written to ${values.out}`,
);
if (errors.length > 0) Deno.exit(1);
