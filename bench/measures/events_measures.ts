/**
 * Hook bus over the Unix socket of a real daemon (SPEC §14 rows 3 and 4): `POST
 * /v1/events?wait=true` latency to one plugin, and durable intake with many concurrent clients.
 * Absorbs bench/events_bench.ts.
 */
import { BENCH_ECHO_DIR } from "../lib/bench_plugin.ts";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { costMark, costSince, cpuSecondsSync, meanCost } from "../lib/daemon_cost.ts";
import { socketHttpRoundTrips, withBareServer } from "../lib/http_floor.ts";
import {
  bareServerLoad,
  type LoadResult,
  type LoadSpec,
  rawHttpLoad,
  sequentialRequests,
} from "../lib/raw_http_load.ts";
import {
  BENCH_SYNCHRONOUS,
  libsqlBatchedInserts,
  libsqlCommitLatencies,
} from "../lib/libsql_floor.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";
import { eventCommitLatencies } from "../lib/event_commit_floor.ts";
import type { CostPerRequest } from "../lib/daemon_cost.ts";

/** Sample counts. */
export interface EventsMeasureOptions {
  waits: number;
  clients: number;
  eventsPerRound: number;
  rounds: number;
  /** Events per request in the batched row. */
  batch: number;
}

function event(type: string, i: number): string {
  return JSON.stringify({ specversion: "1.0", source: "/bench", type, data: { i } });
}

/** The body of event number `{i}` (the load client fills it in). */
function eventTemplate(type: string): string {
  return `{"specversion":"1.0","source":"/bench","type":"${type}","data":{"i":{i}}}`;
}

/** A batch (CloudEvents batched mode) of `size` events; `{i}` is the request's number. */
function batchTemplate(type: string, size: number): string {
  const one = (k: number) =>
    `{"specversion":"1.0","source":"/bench","type":"${type}","data":{"i":{i},"k":${k}}}`;
  return `[${Array.from({ length: size }, (_, k) => one(k)).join(",")}]`;
}

/**
 * Many clients posting until `total` requests were answered 202 (durably stored), from a cheap
 * client in its own process (bench/lib/raw_http_load.ts); the daemon's cost read around it.
 */
async function intakeRound(
  c: SocketClient,
  socket: string,
  load: Omit<LoadSpec, "socket" | "path">,
  pid: number,
  eventsPerRequest = 1,
): Promise<{ rate: number; accepted: number; load: LoadResult; cost: CostPerRequest }> {
  const mark = await costMark(c, pid);
  const r = await rawHttpLoad({ ...load, socket, path: "/v1/events" });
  const accepted = r.expected * eventsPerRequest;
  return {
    rate: accepted / r.seconds,
    accepted,
    load: r,
    cost: await costSince(c, pid, mark, accepted),
  };
}

/** Runs both event measures against one daemon with bench-echo enabled. */
export async function eventsMeasures(o: EventsMeasureOptions): Promise<MeasureResult[]> {
  await using daemon = await benchDaemon();
  using c = new SocketClient(daemon.socketPath);
  await installGrantEnable(c, BENCH_ECHO_DIR);
  const out: MeasureResult[] = [];

  // 3. wait=true: persisted, delivered to the one subscribed plugin, result recorded, answered.
  // Sequential on one keep-alive connection, from the raw client in its own process (its CPU per
  // request is a fraction of fetch's, which is measured beside it for the record), measure and
  // floor alike.
  const pid = daemon.process.pid;
  const socket = daemon.socketPath;
  const waitSpec = {
    path: "/v1/events?wait=true",
    template: eventTemplate("bench.noop"),
    total: o.waits,
    expect: 200,
  };
  let mark = await costMark(c, pid);
  const waited = await sequentialRequests({ ...waitSpec, socket }, {
    afterWarm: async () => void (mark = await costMark(c, pid)),
  });
  const waitCost = await costSince(c, pid, mark, o.waits);
  // The floor of a request that is persisted before it is answered: the HTTP round trip to a bare
  // server (same client) plus one durable commit (an fsync) on this disk.
  const bare = await withBareServer((_c, s) => sequentialRequests({ ...waitSpec, socket: s }));
  const httpFloor = summarize(bare.latencies_ms);
  // Not the row's floor (reported beside it): the same bare server, answering only once it wrote
  // a commit's worth of log frames (7) and synced them on Deno's blocking pool, as the daemon
  // does. While a request waits for a sync the threads sleep, and the answer and the next request
  // pay for waking them: the HTTP floor above, measured back to back, does not include that.
  const synced = await withBareServer(
    (_c, s) => sequentialRequests({ ...waitSpec, socket: s }),
    200,
    7,
  );
  const commitFloor = summarize(await libsqlCommitLatencies(Math.min(o.waits, 1000)));
  // Not the row's floor (that stays HTTP + one one-row commit): the commit this very request
  // makes, through plugd's store, alone (bench/lib/event_commit_floor.ts).
  const eventCommit = summarize(await eventCommitLatencies(Math.min(o.waits, 1000)));
  // What Deno's fetch client (the bench's SocketClient) would add: the same bare server, timed
  // in this process, and this process's CPU per request.
  const cpu0 = cpuSecondsSync(Deno.pid);
  const fetchFloor = summarize(
    await socketHttpRoundTrips(o.waits, (i) => event("bench.noop", i)),
  );
  const fetchCpuUs = ((cpuSecondsSync(Deno.pid) - cpu0) / (o.waits + 300)) * 1e6;
  out.push(result({
    id: "events_wait",
    name: "POST /v1/events?wait=true, socket, 1 plugin",
    unit: "ms",
    ...summarize(waited.latencies_ms),
    target: { stat: "median", op: "<", value: 0.5 },
    floor: {
      name: `bare Deno.serve on a socket (${httpFloor.median.toFixed(3)} ms) + one libSQL ` +
        `commit, WAL + ${BENCH_SYNCHRONOUS} (${commitFloor.median.toFixed(3)} ms)`,
      median: httpFloor.median + commitFloor.median,
      p99: httpFloor.p99 + commitFloor.p99,
      count: httpFloor.count,
    },
    config: {
      client: "a raw HTTP/1.1 client in its own process, one keep-alive connection, one " +
        "request at a time (bench/lib/raw_http_load.ts), for the measure and its HTTP floor",
      client_cpu_us_per_request: waited.client_cpu_us,
      http_floor_ms: httpFloor.median,
      http_floor_client_cpu_us: bare.client_cpu_us,
      synced_http_floor_ms: summarize(synced.latencies_ms).median,
      fetch_client_http_floor_ms: Math.round(fetchFloor.median * 1000) / 1000,
      fetch_client_cpu_us_per_request: Math.round(fetchCpuUs),
      commit_floor_ms: commitFloor.median,
      commit_floor_p99_ms: commitFloor.p99,
      event_commit_ms: eventCommit.median,
      event_commit_p99_ms: eventCommit.p99,
      synchronous: BENCH_SYNCHRONOUS,
      ...waitCost,
    },
    notes: "sequential, one keep-alive connection, raw HTTP/1.1 client (measure and floor " +
      "alike; until issue 23's fifth round both used Deno's fetch, whose own cost is " +
      "fetch_client_http_floor_ms); the event is committed (fsync) before the answer, so one " +
      "commit is the floor; event_commit_ms: the commit this request makes (the event, its " +
      "delivery row, the previous outcome) through plugd's store alone, no HTTP: with " +
      "http_floor_ms, what the request cannot go below on this disk; synced_http_floor_ms: " +
      "the bare server answering after writing and syncing 7 log frames (fdatasync on Deno's " +
      "blocking pool), the wake-ups of a request that waits for a sync included",
  }));

  // 4. Durable intake: 202 = stored in libSQL (group commit). No subscriber, then one plugin,
  // then batches (CloudEvents batched mode). Floors: libSQL alone committing batches of
  // `clients` rows with the same durability, and a bare Deno.serve under the same client.
  const sqlFloor = summarizeRates(
    await libsqlBatchedInserts(o.eventsPerRound, o.clients, o.rounds),
  );
  const single = (type: string, total: number) => ({
    template: eventTemplate(type),
    clients: o.clients,
    total,
  });
  const httpCeiling = await bareServerLoad({
    ...single("bench.nosub", o.eventsPerRound),
    path: "/v1/events",
  });
  const client = `a raw HTTP/1.1 client in its own process (${o.clients} keep-alive ` +
    "connections, one request in flight each, no fetch: bench/lib/raw_http_load.ts)";
  const rows: {
    id: string;
    label: string;
    load: (total: number) => Omit<LoadSpec, "socket" | "path">;
    per: number;
  }[] = [
    { id: "events_durable", label: "no subscriber", load: (n) => single("bench.nosub", n), per: 1 },
    {
      id: "events_durable_subscribed",
      label: "1 plugin",
      load: (n) => single("bench.noop", n),
      per: 1,
    },
    ...[["bench.nosub", "no subscriber", ""], ["bench.noop", "1 plugin", "_subscribed"]].map((
      [type, label, suffix],
    ) => ({
      id: `events_durable_batched${suffix}`,
      label: `${label}, batched ${o.batch} per request`,
      load: (n: number) => ({
        template: batchTemplate(type!, o.batch),
        contentType: "application/cloudevents-batch+json",
        clients: o.clients,
        // Five times the events of a single round, so every client has several requests to send.
        total: Math.ceil((n * 5) / o.batch),
      }),
      per: o.batch,
    })),
  ];
  for (const row of rows) {
    await intakeRound(c, socket, row.load(Math.min(2000, o.eventsPerRound)), pid, row.per); // warm-up
    const rates: number[] = [];
    const lats: number[] = [];
    const clientCpu: number[] = [];
    const costs: CostPerRequest[] = [];
    let count = 0;
    for (let r = 0; r < o.rounds; r++) {
      const round = await intakeRound(c, socket, row.load(o.eventsPerRound), pid, row.per);
      rates.push(round.rate);
      lats.push(round.load.latency_p50_ms);
      clientCpu.push(round.load.client_cpu_us);
      costs.push(round.cost);
      count += round.accepted;
    }
    out.push(result({
      id: row.id,
      name: `durable events accepted, ${o.clients} clients, ${row.label}`,
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
        events_per_round: row.per === 1 ? o.eventsPerRound : o.eventsPerRound * 5,
        events_per_request: row.per,
        client,
        request_latency_p50_ms: summarize(lats).median,
        client_cpu_us_per_request: summarize(clientCpu).median,
        http_floor_per_s: Math.round(httpCeiling.rate),
        http_floor_client_cpu_us: httpCeiling.client_cpu_us,
        synchronous: BENCH_SYNCHRONOUS,
        ...meanCost(costs),
      },
      notes: "daemon_cpu_us is per event; http_floor_per_s: the same client and requests " +
        "against a bare Deno.serve on a socket (the HTTP ceiling of one request per event)",
    }));
  }
  return out;
}
