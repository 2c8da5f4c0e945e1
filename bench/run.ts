/**
 * `deno task bench`: every SPEC §14 figure against a real daemon and real sandboxed plugin
 * processes. Prints one table and writes bench/results.json. Exits 0 when every measure ran
 * (a missed target is reported, not a failure); 1 when a measure itself broke.
 *
 *   deno task bench [--only id,id] [--quick] [--out bench/results.json]
 *
 * Group ids: supervisor, events, webhooks, signed, many.
 */
import { parseArgs } from "node:util";
import { machineInfo } from "./lib/machine.ts";
import type { MeasureResult } from "./lib/stats.ts";
import { renderTable } from "./lib/table.ts";
import { supervisorMeasures } from "./measures/supervisor_measures.ts";
import { eventsMeasures } from "./measures/events_measures.ts";
import { manyPlugins } from "./measures/many_plugins.ts";
import { signedInstall } from "./measures/signed_install.ts";
import { webhookDeliveries } from "./measures/webhooks_measure.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    out: { type: "string", default: new URL("./results.json", import.meta.url).pathname },
  },
});
const q = values.quick ? 0.2 : 1;
const n = (x: number) => Math.max(3, Math.round(x * q));

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
    eventsMeasures({ waits: n(2000), clients: 64, eventsPerRound: n(20_000), rounds: 3 }),
  webhooks: () =>
    webhookDeliveries({ events: n(5000), endpoints: 4, endpointConcurrency: 16, rounds: 3 }),
  signed: () => signedInstall({ cycles: n(10) }),
  many: () => manyPlugins({ count: values.quick ? 40 : 200, parallel: 4, budgetMs: 240_000 }),
};

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
for (const [id, run] of Object.entries(GROUPS)) {
  if (only && !only.includes(id)) continue;
  const t = performance.now();
  console.error(`bench: ${id} ...`);
  try {
    results.push(...await run());
  } catch (error) {
    const e = error as Error;
    errors.push({ group: id, error: e.stack ?? String(e) });
    console.error(`bench: ${id} broke: ${e.stack ?? e}`);
  }
  timings[id] = (performance.now() - t) / 1000;
  console.error(`bench: ${id} done in ${timings[id]!.toFixed(1)} s`);
}
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
