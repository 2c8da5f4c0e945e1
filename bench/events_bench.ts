/**
 * Hook bus figures over the Unix socket (SPEC §14), against a real daemon:
 * 1. `POST /v1/events?wait=true` latency to one plugin (p50/p99), sequential;
 * 2. durable events accepted per second with many concurrent clients (202 = persisted).
 *
 * Run: deno run --allow-all bench/events_bench.ts [--clients 64] [--events 20000] [--wait 2000]
 */
import { parseArgs } from "node:util";
import { startDaemon } from "../tests/helpers/daemon.ts";
import { installFixtures } from "../tests/hooks/_helpers.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "64" },
    events: { type: "string", default: "20000" },
    wait: { type: "string", default: "2000" },
    plugin: { type: "boolean", default: true },
    types: { type: "string", default: "bench.nosub,wild.bench" },
  },
});
const clients = Number(values.clients);
const total = Number(values.events);
const waits = Number(values.wait);

await using daemon = await startDaemon();
if (values.plugin) await installFixtures(daemon, ["hk-counter"]);
const client = Deno.createHttpClient({ proxy: { transport: "unix", path: daemon.socketPath } });
const post = async (path: string, body: unknown): Promise<number> => {
  const res = await fetch(`http://plugd${path}`, {
    method: "POST",
    client,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
  return res.status;
};

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

// 1. wait=true latency to one plugin (wild.* returns at once, no storage write in the plugin).
const lat: number[] = [];
for (let i = 0; i < waits + 200; i++) {
  const t = performance.now();
  const status = await post("/v1/events?wait=true", {
    specversion: "1.0",
    source: "/bench",
    type: "wild.bench",
    data: { i },
  });
  if (status !== 200) throw new Error(`wait=true answered ${status}`);
  if (i >= 200) lat.push(performance.now() - t); // first 200 warm up
}
lat.sort((a, b) => a - b);
console.log(
  `POST /v1/events?wait=true over the socket, 1 plugin: p50 ${pct(lat, 0.5).toFixed(3)} ms, ` +
    `p99 ${pct(lat, 0.99).toFixed(3)} ms (n=${lat.length})`,
);

// 2. Durable intake: many concurrent clients, type with no subscribers and with one.
for (const type of values.types!.split(",")) {
  let next = 0;
  let accepted = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < total) {
      next++;
      if (await post("/v1/events", { specversion: "1.0", source: "/bench", type }) === 202) {
        accepted++;
      }
    }
  }));
  const s = (performance.now() - t0) / 1000;
  console.log(
    `durable intake (${type}, ${clients} clients): ${accepted} accepted in ${s.toFixed(2)} s = ` +
      `${Math.round(accepted / s)} events/s`,
  );
}
client.close();
