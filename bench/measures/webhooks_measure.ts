/**
 * Outgoing webhook deliveries per second (SPEC §14) from a real daemon to a local receiver:
 * events posted over the Unix socket (64 clients), each fanned out to every endpoint; the rate
 * counts deliveries the receiver got, from the first POST to the last delivery.
 * Absorbs bench/webhooks_bench.ts (which drives the relay in-process).
 */
import { benchDaemon, SocketClient } from "../lib/daemon_client.ts";
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
  const round = async (events: number): Promise<number> => {
    const target = received + events * o.endpoints;
    const done = new Promise<void>((resolve) => waiter = { target, resolve });
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next++ < events) {
        const status = await c.postStatus("/v1/events", body);
        if (status !== 202) throw new Error(`POST /v1/events answered ${status}`);
      }
    }));
    if (received < target) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) =>
        timer = setTimeout(() => {
          const got = received - (target - events * o.endpoints);
          reject(new Error(`only ${got} of ${events * o.endpoints} deliveries arrived in 120 s`));
        }, 120_000)
      );
      await Promise.race([done, late]).finally(() => clearTimeout(timer));
    }
    return events * o.endpoints / ((performance.now() - t) / 1000);
  };
  await round(Math.min(500, o.events)); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < o.rounds; r++) rates.push(await round(o.events));
  return [result({
    id: "webhook_deliveries",
    name: "webhook deliveries to a local receiver",
    unit: "deliveries/s",
    ...summarizeRates(rates),
    count: o.events * o.endpoints * o.rounds,
    target: { stat: "median", op: ">", value: 2000 },
    config: {
      endpoints: o.endpoints,
      endpoint_concurrency: o.endpointConcurrency,
      events_per_round: o.events,
      rounds: o.rounds,
      global_concurrency: 64,
    },
  })];
}
