/**
 * The fleet (issue 19) on this machine: a real `nats-server -js`, a real registry server and three
 * real daemons. Figures: `fleet apply` → all three hosts converged for one new plugin (install,
 * grant, config, enable on each, status back in the KV bucket), and fleet events published to
 * one host and taken into the intake of all three (one plugin subscribed on each).
 */
import { SocketClient } from "../lib/daemon_client.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";
import { startFleet, type TestFleet } from "../../tests/fleet/_fleet.ts";
import { boundedFleet } from "../lib/fleet_teardown.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

/** Options of {@linkcode fleetMeasures}. */
export interface FleetMeasureOptions {
  /** Plugins applied one after another (one convergence sample each). @default 5 */
  applies: number;
  /** Fleet events per round. @default 2000 */
  events: number;
  /** Rounds of fleet events. @default 3 */
  rounds: number;
  /** Concurrent posting clients. @default 32 */
  clients: number;
}

/** `plugd_fleet_events_total{what="delivered"}` of a host. */
async function delivered(c: SocketClient): Promise<number> {
  const { text } = await c.text("GET", "/metrics");
  const m = /plugd_fleet_events_total\{what="delivered"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function convergedEverywhere(c: SocketClient, plugin: string, hosts: number) {
  const { body } = await c.json("GET", "/v1/fleet/status");
  return body.statuses.filter((s: { plugin: string; state: string }) =>
    s.plugin === plugin && s.state === "converged"
  ).length === hosts;
}

async function applyToConverged(fleet: TestFleet, o: FleetMeasureOptions): Promise<number[]> {
  using c = new SocketClient(fleet.hosts[0]!.daemon.socketPath);
  const plugins: Record<string, unknown>[] = [];
  const samples: number[] = [];
  for (let i = 0; i < o.applies; i++) {
    const id = `acme-bench-${i}`;
    await fleet.publishPlugin({ id, version: "1.0.0" });
    plugins.push({ id, version: "1.0.0", registry: fleet.registry.url });
    const t = performance.now();
    const r = await c.json("POST", "/v1/fleet/apply", { document: { plugins } });
    if (r.status !== 200) throw new Error(`apply: ${r.status} ${JSON.stringify(r.body)}`);
    await waitFor(() => convergedEverywhere(c, id, fleet.hosts.length), `${id} converged`, 120_000);
    samples.push(performance.now() - t);
  }
  // One plugin stays subscribed to the events of the next measure on every host.
  await c.json("POST", "/v1/fleet/apply", { document: { plugins: plugins.slice(0, 1) } });
  await waitFor(
    async () => {
      const { body } = await c.json("GET", "/v1/fleet/status");
      return body.statuses.every((s: { plugin: string }) => s.plugin === "acme-bench-0");
    },
    "the other bench plugins removed",
    120_000,
  );
  return samples;
}

/** Posts `count` events to `c` from `clients` concurrent callers; returns the elapsed ms. */
async function postEvents(
  c: SocketClient,
  path: string,
  count: number,
  clients: number,
  tag: string,
): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < count) {
      const n = next++;
      const r = await c.json("POST", path, {
        specversion: "1.0",
        source: "/bench",
        type: "demo.ping",
        id: `bench-${tag}-${n}-${crypto.randomUUID().slice(0, 8)}`,
        data: { n },
      });
      if (r.status !== 202) throw new Error(`${path}: ${r.status}`);
    }
  }));
  return performance.now() - t;
}

/** Fleet event rates per round, and local `POST /v1/events` rates on the same host (floor). */
async function eventRates(
  fleet: TestFleet,
  o: FleetMeasureOptions,
): Promise<{ fleet: number[]; local: number[] }> {
  const clients = fleet.hosts.map((h) => new SocketClient(h.daemon.socketPath));
  const out = { fleet: [] as number[], local: [] as number[] };
  try {
    for (let round = 0; round < o.rounds; round++) {
      const localMs = await postEvents(clients[0]!, "/v1/events", o.events, o.clients, `l${round}`);
      out.local.push(o.events / (localMs / 1000));
      const before = await Promise.all(clients.map(delivered));
      const t = performance.now();
      await postEvents(clients[0]!, "/v1/fleet/events", o.events, o.clients, `f${round}`);
      await waitFor(
        async () => {
          const now = await Promise.all(clients.map(delivered));
          return now.every((v, i) => v - before[i]! >= o.events);
        },
        "fleet events delivered on every host",
        180_000,
      );
      out.fleet.push(o.events / ((performance.now() - t) / 1000));
    }
  } finally {
    for (const c of clients) c[Symbol.dispose]();
  }
  return out;
}

/** The fleet figures. */
export async function fleetMeasures(o: FleetMeasureOptions): Promise<MeasureResult[]> {
  // Its teardown bounded, as fleet_tasks' (bench/lib/fleet_teardown.ts).
  await using fleet = boundedFleet(
    await startFleet([
      { id: "b1", labels: {} },
      { id: "b2", labels: {} },
      { id: "b3", labels: {} },
    ]),
    "fleet",
  );
  using c = new SocketClient(fleet.hosts[0]!.daemon.socketPath);
  await waitFor(
    async () => {
      const { body } = await c.json("GET", "/v1/fleet/status");
      return body.connected && body.hosts.filter((h: { online: boolean }) => h.online).length === 3;
    },
    "three hosts in the fleet",
    120_000,
  );
  const converge = summarize(await applyToConverged(fleet, o));
  const rates = await eventRates(fleet, o);
  const events = summarizeRates(rates.fleet);
  const local = summarizeRates(rates.local);
  return [
    result({
      id: "fleet_apply_converged",
      name: "fleet apply → three local hosts converged (one new plugin)",
      unit: "ms",
      ...converge,
      target: { stat: "median", op: "<", value: 5000 },
      config: { hosts: 3 },
      notes: "from the apply request to every host's status converged in the KV bucket: " +
        "download, verify, install, grant, enable on each host",
    }),
    result({
      id: "fleet_events_delivered",
      name: "fleet events posted to one host, taken into the intake of all three",
      unit: "events/s",
      ...events,
      target: null,
      floor: { name: "local POST /v1/events, same host and clients", ...local },
      config: { hosts: 3, clients: o.clients, events_per_round: o.events },
      notes: "each event is stored in the posting host's outbox, published to JetStream, and " +
        "stored by the intake of each of the three hosts (p99 column: slowest round)",
    }),
  ];
}
