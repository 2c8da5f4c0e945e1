/**
 * Fleet tasks (issue 19 item 4) on this machine: a real `nats-server -js` and three real daemons.
 * Tasks of a `fleet: true` type are posted to one host and run to the end (stored in the outbox,
 * published, taken from the work queue, run, outcome stored in the task bucket, acknowledged),
 * first with the processor enabled on one host, then on all three.
 */
import { SocketClient } from "../lib/daemon_client.ts";
import { installGrantEnable } from "../lib/daemon_client.ts";
import { type MeasureResult, result, summarizeRates } from "../lib/stats.ts";
import { startFleet } from "../../tests/fleet/_fleet.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

const PLUGIN_DIR = new URL("../plugins/bench-fleet-task", import.meta.url).pathname;

/** Options of {@linkcode fleetTaskMeasures}. */
export interface FleetTaskMeasureOptions {
  /** Tasks per round. */
  tasks: number;
  rounds: number;
  /** Concurrent posting clients. */
  clients: number;
}

/** Tasks that ended `succeeded` on a host (`plugd_fleet_tasks_total`). */
async function succeeded(c: SocketClient): Promise<number> {
  const { text } = await c.text("GET", "/metrics");
  const m = /plugd_fleet_tasks_total\{what="succeeded"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** One round: `tasks` posted to `poster`, until all of them succeeded somewhere; tasks/s. */
async function round(
  poster: SocketClient,
  all: SocketClient[],
  o: FleetTaskMeasureOptions,
): Promise<number> {
  const before = (await Promise.all(all.map(succeeded))).reduce((a, b) => a + b, 0);
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: o.clients }, async () => {
    while (next < o.tasks) {
      const i = next++;
      const status = await poster.postStatus(
        "/v1/tasks/bench.fleet",
        JSON.stringify({ input: { i } }),
      );
      if (status !== 202) throw new Error(`POST /v1/tasks/bench.fleet answered ${status}`);
    }
  }));
  await waitFor(
    async () => {
      const now = (await Promise.all(all.map(succeeded))).reduce((a, b) => a + b, 0);
      return now - before >= o.tasks;
    },
    "every fleet task succeeded",
    240_000,
  );
  return o.tasks / ((performance.now() - t) / 1000);
}

/** The fleet task figures. */
export async function fleetTaskMeasures(o: FleetTaskMeasureOptions): Promise<MeasureResult[]> {
  await using fleet = await startFleet([
    { id: "t1", labels: {} },
    { id: "t2", labels: {} },
    { id: "t3", labels: {} },
  ]);
  const clients = fleet.hosts.map((h) => new SocketClient(h.daemon.socketPath));
  try {
    await installGrantEnable(clients[0]!, PLUGIN_DIR);
    const one: number[] = [];
    const three: number[] = [];
    await round(clients[0]!, clients, { ...o, tasks: Math.min(o.tasks, 200) }); // warm-up
    for (let r = 0; r < o.rounds; r++) one.push(await round(clients[0]!, clients, o));
    for (const c of clients.slice(1)) await installGrantEnable(c, PLUGIN_DIR);
    await waitFor(
      async () => {
        const { body } = await clients[0]!.json("GET", "/v1/fleet/status");
        return body.hosts.filter((h: { tasks: string[] }) => h.tasks.includes("bench.fleet"))
          .length === 3;
      },
      "three hosts taking bench.fleet",
      60_000,
    );
    await round(clients[0]!, clients, { ...o, tasks: Math.min(o.tasks, 200) }); // warm-up
    for (let r = 0; r < o.rounds; r++) three.push(await round(clients[0]!, clients, o));
    return [
      result({
        id: "fleet_tasks_three_hosts",
        name: "fleet tasks posted to one host, run to the end by three hosts",
        unit: "tasks/s",
        ...summarizeRates(three),
        target: null,
        floor: { name: "the same with the processor on one host", ...summarizeRates(one) },
        config: { hosts: 3, clients: o.clients, tasks_per_round: o.tasks, concurrency: 32 },
        notes: "accepted into the outbox, published to the work queue, taken by one host, run " +
          "in its sandboxed plugin, outcome stored in the task bucket, acknowledged; one machine " +
          "shares its two cores among the three daemons and NATS (p99 column: slowest round)",
      }),
    ];
  } finally {
    for (const c of clients) c[Symbol.dispose]();
  }
}
