/**
 * Webhook delivery benchmark (not a test): deliveries/s to a local receiver, and
 * enqueue -> received latency p50/p99. Real libSQL file, real HTTP, the real relay.
 *
 *   deno run --allow-all bench/webhooks_bench.ts [--events 5000] [--endpoints 1]
 *     [--endpoint-concurrency 4] [--latency 300]
 *
 * Prints one JSON line per measure.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { loadConfig } from "../src/config/mod.ts";
import { openStore } from "../src/store/mod.ts";
import { loadMasterKey } from "../src/secrets/mod.ts";
import {
  createWebhook,
  createWebhookService,
  webhookOutboxStatements,
} from "../src/webhooks/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "5000" },
    "endpoint-concurrency": { type: "string", default: "4" },
    latency: { type: "string", default: "300" },
    endpoints: { type: "string", default: "1" },
  },
});
const total = Number(values.events);
const latencyRuns = Number(values.latency);
const endpoints = Number(values.endpoints);

const dir = await Deno.makeTempDir({ prefix: "plugd-wh-bench-" });
const config = await loadConfig({ stateDir: dir }, { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" });
const store = await openStore(`file:${join(dir, "plugd.db")}`);
let received = 0;
const arrivals = new Map<string, number>();
let onArrival: (() => void) | null = null;
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  const body = await req.json();
  received++;
  arrivals.set(body.id, performance.now());
  onArrival?.();
  return new Response(null, { status: 204 });
});
const service = await createWebhookService({
  config,
  store,
  log: () => {},
  env: {
    PLUGD_WEBHOOK_ENDPOINT_CONCURRENCY: values["endpoint-concurrency"]!,
    PLUGD_WEBHOOK_POLL_MS: "50",
  },
});
await service.start();
const masterKey = await loadMasterKey(config.masterKeyFile);
for (let e = 0; e < endpoints; e++) {
  await createWebhook(store, masterKey, {
    name: "bench",
    url: `http://127.0.0.1:${server.addr.port}/in`,
    event_types: ["bench.*"],
    timeout_ms: 10_000,
    enabled: true,
  }, "bench");
}
const event = (i: number) => ({ id: `e${i}`, type: "bench.tick", source: "/bench", data: { i } });

function until(check: () => boolean): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve) => {
    onArrival = () => {
      if (check()) {
        onArrival = null;
        resolve();
      }
    };
  });
}

// 1. Throughput: enqueue in batches of 100 (as a group-committing intake would), drain.
const t0 = performance.now();
for (let i = 0; i < total; i += 100) {
  await store.write(async () => {
    const statements = [];
    for (let j = i; j < Math.min(i + 100, total); j++) {
      statements.push(...await webhookOutboxStatements(store, event(j)));
    }
    return { statements };
  });
  service.relay.wake();
}
await until(() => received >= total * endpoints);
const elapsed = (performance.now() - t0) / 1000;
const recorded = async () =>
  Number(
    (await store.execute("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'"))
      .rows[0]!.n,
  );
while (await recorded() < total * endpoints) await new Promise((r) => setTimeout(r, 10));
const elapsedRecorded = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  measure: "webhook deliveries/s to a local receiver",
  deliveries: total * endpoints,
  endpoints,
  endpoint_concurrency: Number(values["endpoint-concurrency"]),
  received_per_s: Math.round((total * endpoints) / elapsed),
  recorded_per_s: Math.round((total * endpoints) / elapsedRecorded),
}));

// 2. Latency: one event at a time, enqueue (own batch, committed) -> received.
const latencies: number[] = [];
for (let k = 0; k < latencyRuns; k++) {
  const id = `lat${k}`;
  const start = performance.now();
  await service.enqueueEvent({ ...event(k), id });
  await until(() => arrivals.has(id));
  latencies.push(arrivals.get(id)! - start);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
console.log(JSON.stringify({
  measure: "webhook enqueue -> received latency (ms)",
  runs: latencyRuns,
  p50: Number(pct(0.5).toFixed(2)),
  p99: Number(pct(0.99).toFixed(2)),
}));

await service.stop();
await server.shutdown();
store.close();
await Deno.remove(dir, { recursive: true });
