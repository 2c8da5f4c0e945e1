/**
 * Hook bus over the Unix socket of a real daemon (SPEC §14 rows 3 and 4): `POST
 * /v1/events?wait=true` latency to one plugin, and durable intake with many concurrent clients.
 * Absorbs bench/events_bench.ts.
 */
import { BENCH_ECHO_DIR } from "../lib/bench_plugin.ts";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { costMark, costSince, meanCost } from "../lib/daemon_cost.ts";
import { socketHttpRoundTrips } from "../lib/http_floor.ts";
import {
  BENCH_SYNCHRONOUS,
  libsqlBatchedInserts,
  libsqlCommitLatencies,
} from "../lib/libsql_floor.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";
import type { CostPerRequest } from "../lib/daemon_cost.ts";

/** Sample counts. */
export interface EventsMeasureOptions {
  waits: number;
  clients: number;
  eventsPerRound: number;
  rounds: number;
}

function event(type: string, i: number): string {
  return JSON.stringify({ specversion: "1.0", source: "/bench", type, data: { i } });
}

/** Many clients posting events until `total` were sent; the rate of 202s (durably stored). */
async function intakeRound(
  c: SocketClient,
  type: string,
  clients: number,
  total: number,
  pid: number,
): Promise<{ rate: number; accepted: number; latencies: number[]; cost: CostPerRequest }> {
  let next = 0;
  let accepted = 0;
  const latencies: number[] = [];
  const mark = await costMark(c, pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      const status = await c.postStatus("/v1/events", event(type, i));
      latencies.push(performance.now() - t);
      if (status === 202) accepted++;
      else throw new Error(`POST /v1/events answered ${status}`);
    }
  }));
  const rate = accepted / ((performance.now() - t0) / 1000);
  return { rate, accepted, latencies, cost: await costSince(c, pid, mark, total) };
}

/** Runs both event measures against one daemon with bench-echo enabled. */
export async function eventsMeasures(o: EventsMeasureOptions): Promise<MeasureResult[]> {
  await using daemon = await benchDaemon();
  using c = new SocketClient(daemon.socketPath);
  await installGrantEnable(c, BENCH_ECHO_DIR);
  const out: MeasureResult[] = [];

  // 3. wait=true: persisted, delivered to the one subscribed plugin, result recorded, answered.
  const lat: number[] = [];
  const pid = daemon.process.pid;
  let mark = await costMark(c, pid);
  for (let i = 0; i < o.waits + 300; i++) {
    if (i === 300) mark = await costMark(c, pid);
    const t = performance.now();
    const status = await c.postStatus("/v1/events?wait=true", event("bench.noop", i));
    if (status !== 200) throw new Error(`POST /v1/events?wait=true answered ${status}`);
    if (i >= 300) lat.push(performance.now() - t);
  }
  const waitCost = await costSince(c, pid, mark, o.waits);
  // The floor of a request that is persisted before it is answered: the HTTP round trip to a bare
  // server plus one durable commit (an fsync) on this disk.
  const httpFloor = summarize(
    await socketHttpRoundTrips(o.waits, (i) => event("bench.noop", i)),
  );
  const commitFloor = summarize(await libsqlCommitLatencies(Math.min(o.waits, 1000)));
  out.push(result({
    id: "events_wait",
    name: "POST /v1/events?wait=true, socket, 1 plugin",
    unit: "ms",
    ...summarize(lat),
    target: { stat: "median", op: "<", value: 0.5 },
    floor: {
      name: `bare Deno.serve on a socket (${httpFloor.median.toFixed(3)} ms) + one libSQL ` +
        `commit, WAL + ${BENCH_SYNCHRONOUS} (${commitFloor.median.toFixed(3)} ms)`,
      median: httpFloor.median + commitFloor.median,
      p99: httpFloor.p99 + commitFloor.p99,
      count: httpFloor.count,
    },
    config: {
      http_floor_ms: httpFloor.median,
      commit_floor_ms: commitFloor.median,
      commit_floor_p99_ms: commitFloor.p99,
      synchronous: BENCH_SYNCHRONOUS,
      ...waitCost,
    },
    notes: "sequential, one keep-alive connection; includes the client's own HTTP cost; the " +
      "event is committed (fsync) before it is delivered, so one commit is the floor",
  }));

  // 4. Durable intake: 202 = stored in libSQL (group commit). No subscriber, then one plugin.
  // Floor: libSQL alone committing batches of `clients` rows with the same durability.
  const sqlFloor = summarizeRates(
    await libsqlBatchedInserts(o.eventsPerRound, o.clients, o.rounds),
  );
  for (const [type, label] of [["bench.nosub", "no subscriber"], ["bench.noop", "1 plugin"]]) {
    await intakeRound(c, type!, o.clients, Math.min(2000, o.eventsPerRound), pid); // warm-up
    const rates: number[] = [];
    const lats: number[] = [];
    const costs: CostPerRequest[] = [];
    let count = 0;
    for (let r = 0; r < o.rounds; r++) {
      const round = await intakeRound(c, type!, o.clients, o.eventsPerRound, pid);
      rates.push(round.rate);
      lats.push(...round.latencies);
      costs.push(round.cost);
      count += round.accepted;
    }
    const l = summarize(lats);
    out.push(result({
      id: type === "bench.nosub" ? "events_durable" : "events_durable_subscribed",
      name: `durable events accepted, ${o.clients} clients, ${label}`,
      unit: "events/s",
      ...summarizeRates(rates),
      count,
      target: { stat: "median", op: ">", value: 30_000 },
      floor: {
        name: `libSQL alone, ${o.clients} rows per commit, WAL + ${BENCH_SYNCHRONOUS}`,
        ...sqlFloor,
      },
      config: {
        clients: o.clients,
        rounds: o.rounds,
        events_per_round: o.eventsPerRound,
        request_latency_p50_ms: l.median,
        request_latency_p99_ms: l.p99,
        synchronous: BENCH_SYNCHRONOUS,
        ...meanCost(costs),
      },
    }));
  }
  return out;
}
