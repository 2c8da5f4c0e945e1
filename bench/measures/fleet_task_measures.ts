/**
 * Fleet tasks (issue 19 item 4) on this machine: a real `nats-server -js` and three real daemons.
 * Tasks of a `fleet: true` type are posted to one host and run to the end (stored in the outbox,
 * published, taken from the work queue, run, outcome stored in the task bucket, acknowledged),
 * first with the processor enabled on one host, then on all three.
 *
 * Bounded in time (the group must finish inside its 300 s deadline, also in a full run, where it
 * once did not): `budgetMs` counts from the group's start, so starting NATS, the registry and the
 * three daemons and installing the plugin on each come out of it too. The first phase ends at half
 * of it, the second at its end; each runs rounds while its time lasts (at least one, of at most
 * `FIRST_ROUND_MS` when the time is already up), and a round still running when its phase's time
 * is up ends there (no more posts, no more waiting); its rate is the tasks that succeeded by then
 * over the time taken (`config.cut_rounds` counts such rounds, `config.rounds_*` how many ran, and
 * `config.stages_s` where the group's time went).
 */
import { SocketClient } from "../lib/daemon_client.ts";
import { installGrantEnable } from "../lib/daemon_client.ts";
import { type MeasureResult, result, summarizeRates } from "../lib/stats.ts";
import { startFleet } from "../../tests/fleet/_fleet.ts";
import { stopFleet } from "../lib/fleet_teardown.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

const PLUGIN_DIR = new URL("../plugins/bench-fleet-task", import.meta.url).pathname;

/** Options of {@linkcode fleetTaskMeasures}. */
export interface FleetTaskMeasureOptions {
  /** Tasks per round. */
  tasks: number;
  /** Most rounds per phase (one host, three hosts). */
  rounds: number;
  /** Concurrent posting clients. */
  clients: number;
  /**
   * Time for the whole group from its start (fleet start, installs, warm-ups and rounds), ms;
   * the first phase ends at half of it.
   */
  budgetMs: number;
}

/** The most a phase's first round may run when the phase's time is already up, ms. */
const FIRST_ROUND_MS = 10_000;

/** Tasks that ended `succeeded` on a host (`plugd_fleet_tasks_total`). */
async function succeeded(c: SocketClient): Promise<number> {
  const { text } = await c.text("GET", "/metrics");
  const m = /plugd_fleet_tasks_total\{what="succeeded"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** A round's rate, and whether the phase's time ran out before all its tasks succeeded. */
interface Round {
  rate: number;
  cut: boolean;
}

/** One round: `tasks` posted to `poster`, until all succeeded somewhere or `until` (epoch ms). */
async function round(
  poster: SocketClient,
  all: SocketClient[],
  o: FleetTaskMeasureOptions,
  until: number,
): Promise<Round> {
  const total = async () => (await Promise.all(all.map(succeeded))).reduce((a, b) => a + b, 0);
  const before = await total();
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: o.clients }, async () => {
    while (next < o.tasks && Date.now() < until) {
      const i = next++;
      const status = await poster.postStatus(
        "/v1/tasks/bench.fleet",
        JSON.stringify({ input: { i } }),
      );
      if (status !== 202) throw new Error(`POST /v1/tasks/bench.fleet answered ${status}`);
    }
  }));
  let done = 0;
  const finished = await waitFor(
    async () => {
      done = (await total()) - before;
      return done >= next || Date.now() >= until;
    },
    "every fleet task succeeded",
    Math.max(5_000, until - Date.now() + 5_000),
  );
  return { rate: done / ((performance.now() - t) / 1000), cut: finished && done < o.tasks };
}

/** Rounds until `o.rounds` ran or the phase's time is up (a warm-up first, at least one round). */
async function phase(
  poster: SocketClient,
  all: SocketClient[],
  o: FleetTaskMeasureOptions,
  until: number,
): Promise<Round[]> {
  await round(poster, all, { ...o, tasks: Math.min(o.tasks, 100) }, until); // warm-up
  const rounds: Round[] = [];
  while (rounds.length < o.rounds && (rounds.length === 0 || Date.now() < until)) {
    rounds.push(await round(poster, all, o, Math.max(until, Date.now() + FIRST_ROUND_MS)));
  }
  return rounds;
}

/** The fleet task figures. */
export async function fleetTaskMeasures(o: FleetTaskMeasureOptions): Promise<MeasureResult[]> {
  const start = Date.now();
  const stages: Record<string, number> = {};
  let mark = start;
  const stage = (name: string) => {
    stages[name] = Math.round((Date.now() - mark) / 100) / 10;
    mark = Date.now();
    console.error(`bench: fleet_tasks: ${name} ${stages[name]} s`);
  };
  const fleet = await startFleet([
    { id: "t1", labels: {} },
    { id: "t2", labels: {} },
    { id: "t3", labels: {} },
  ]);
  stage("fleet_start");
  const clients = fleet.hosts.map((h) => new SocketClient(h.daemon.socketPath));
  try {
    await installGrantEnable(clients[0]!, PLUGIN_DIR);
    stage("install_one_host");
    const one = await phase(clients[0]!, clients, o, start + o.budgetMs / 2);
    stage("rounds_one_host");
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
    stage("install_two_more_hosts");
    const three = await phase(clients[0]!, clients, o, start + o.budgetMs);
    stage("rounds_three_hosts");
    const rates = (r: Round[]) => summarizeRates(r.map((x) => x.rate));
    return [
      result({
        id: "fleet_tasks_three_hosts",
        name: "fleet tasks posted to one host, run to the end by three hosts",
        unit: "tasks/s",
        ...rates(three),
        target: null,
        floor: { name: "the same with the processor on one host", ...rates(one) },
        config: {
          hosts: 3,
          clients: o.clients,
          tasks_per_round: o.tasks,
          concurrency: 32,
          budget_s: o.budgetMs / 1000,
          rounds_one_host: one.length,
          rounds_three_hosts: three.length,
          cut_rounds: [...one, ...three].filter((r) => r.cut).length,
          stages_s: stages,
        },
        notes: "accepted into the outbox, published to the work queue, taken by one host, run " +
          "in its sandboxed plugin, outcome stored in the task bucket, acknowledged; one machine " +
          "shares its two cores among the three daemons and NATS (p99 column: slowest round); " +
          "rounds run within a time budget, a cut round counts the tasks that succeeded in it",
      }),
    ];
  } finally {
    for (const c of clients) c[Symbol.dispose]();
    await stopFleet(fleet, "fleet_tasks");
  }
}
