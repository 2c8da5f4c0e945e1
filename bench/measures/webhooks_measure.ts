/**
 * Outgoing webhook deliveries per second (SPEC §14: > 5,000/s) from a real daemon to a local
 * receiver: events posted over the Unix socket (64 clients), each fanned out to every endpoint;
 * the rate counts deliveries the receiver got, from the first POST to the last delivery (so the
 * events' intake is inside the figure). Absorbs bench/webhooks_bench.ts (the relay in-process).
 *
 * Beside the rate, per delivery: the daemon's CPU (every thread, from /proc), its commits, and
 * the bench process's CPU (the 64 posting clients and the receiver share it), so a slow figure
 * can be told apart from a busy receiver or a loaded machine.
 */
import { benchDaemon, SocketClient } from "../lib/daemon_client.ts";
import {
  costMark,
  type CostPerRequest,
  costSince,
  cpuSecondsSync,
  meanCost,
} from "../lib/daemon_cost.ts";
import { type MeasureResult, result, summarizeRates } from "../lib/stats.ts";

/** Options of {@linkcode webhookDeliveries}. */
export interface WebhookOptions {
  events: number;
  endpoints: number;
  endpointConcurrency: number;
  rounds: number;
}

/** Runs `rounds` rounds of `events` events × `endpoints` deliveries. */
export async function webhookDeliveries(o: WebhookOptions): Promise<MeasureResult[]> {
  let received = 0;
  let waiter: { target: number; resolve: () => void } | null = null;
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      await req.arrayBuffer();
      received++;
      if (waiter && received >= waiter.target) waiter.resolve();
      return new Response(null, { status: 204 });
    },
  );
  const env = {
    PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true",
    PLUGD_WEBHOOK_ENDPOINT_CONCURRENCY: String(o.endpointConcurrency),
  };
  await using daemon = await benchDaemon({ env });
  using c = new SocketClient(daemon.socketPath);
  for (let e = 0; e < o.endpoints; e++) {
    const r = await c.json("POST", "/v1/webhooks", {
      name: `bench-${e}`,
      url: `http://127.0.0.1:${server.addr.port}/hook/${e}`,
      event_types: ["bench.*"],
    });
    if (r.status !== 201 && r.status !== 200) {
      throw new Error(`POST /v1/webhooks answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
  }
  const body = JSON.stringify({ specversion: "1.0", source: "/bench", type: "bench.hook" });
  const pid = daemon.process.pid;
  interface Round {
    rate: number;
    postedShare: number;
    benchUs: number;
    cost: CostPerRequest;
  }
  const round = async (events: number): Promise<Round> => {
    const deliveries = events * o.endpoints;
    const target = received + deliveries;
    const done = new Promise<void>((resolve) => waiter = { target, resolve });
    let next = 0;
    const mark = await costMark(c, pid);
    const benchCpu = cpuSecondsSync(Deno.pid);
    const t = performance.now();
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next++ < events) {
        const status = await c.postStatus("/v1/events", body);
        if (status !== 202) throw new Error(`POST /v1/events answered ${status}`);
      }
    }));
    const posted = performance.now() - t;
    if (received < target) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) =>
        timer = setTimeout(() => {
          const got = received - (target - deliveries);
          reject(new Error(`only ${got} of ${deliveries} deliveries arrived in 120 s`));
        }, 120_000)
      );
      await Promise.race([done, late]).finally(() => clearTimeout(timer));
    }
    const elapsed = performance.now() - t;
    const benchUs = (cpuSecondsSync(Deno.pid) - benchCpu) / deliveries * 1e6;
    return {
      rate: deliveries / (elapsed / 1000),
      postedShare: posted / elapsed,
      benchUs,
      cost: await costSince(c, pid, mark, deliveries),
    };
  };
  await round(Math.min(500, o.events)); // warm-up
  const rounds: Round[] = [];
  for (let r = 0; r < o.rounds; r++) rounds.push(await round(o.events));
  const mean = (f: (r: Round) => number) =>
    Math.round(rounds.reduce((s, r) => s + f(r), 0) / rounds.length * 100) / 100;
  const cost: CostPerRequest = meanCost(rounds.map((r) => r.cost));
  return [result({
    id: "webhook_deliveries",
    name: "webhook deliveries to a local receiver",
    unit: "deliveries/s",
    ...summarizeRates(rounds.map((r) => r.rate)),
    count: o.events * o.endpoints * o.rounds,
    target: { stat: "median", op: ">", value: 5000 },
    config: {
      endpoints: o.endpoints,
      endpoint_concurrency: o.endpointConcurrency,
      events_per_round: o.events,
      rounds: o.rounds,
      global_concurrency: 64,
      // Per delivery (each event is one intake request and `endpoints` deliveries).
      daemon_cpu_us_per_delivery: cost.daemon_cpu_us,
      commits_per_1k_deliveries: cost.commits_per_1k,
      commit_ms: cost.commit_ms,
      bench_cpu_us_per_delivery: mean((r) => r.benchUs),
      intake_share_of_round: mean((r) => r.postedShare),
    },
    notes: "from the first POST /v1/events to the last delivery received; daemon CPU covers " +
      "the events' intake, the relay, signing, the requests and the outcome rows; bench CPU " +
      "is the posting clients and the receiver (one process)",
  })];
}
