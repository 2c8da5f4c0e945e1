/**
 * The work model (issue 15) on a real daemon, as three bench groups (each its own process: after
 * heavy socket load a Deno 2.9 process may wedge its file ops, see bench/run.ts): tasks accepted per second and a no-op task's end to
 * end latency; what execution records cost the durable event path (one plugin subscribed, records
 * on vs off); and `GET /v1/executions` with 1,000,000 rows stored.
 */
import { createClient } from "@libsql/client";
import { join } from "node:path";
import { BENCH_ECHO_DIR } from "../lib/bench_plugin.ts";
import {
  benchDaemon,
  installGrantEnable,
  SocketClient,
  type TestDaemon,
} from "../lib/daemon_client.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";
import {
  costMark,
  type CostPerRequest,
  costSince,
  cpuSecondsSync,
  meanCost,
} from "../lib/daemon_cost.ts";
import { descendants } from "../lib/proc.ts";
import { bareServerLoad, rawHttpLoad } from "../lib/raw_http_load.ts";

const BENCH_TASK_DIR = new URL("../plugins/bench-task", import.meta.url).pathname;

/** Sample counts. */
export interface WorkMeasureOptions {
  tasks: number;
  clients: number;
  waits: number;
  events: number;
  rounds: number;
  rows: number;
  queries: number;
}

/** One round of task posts: the rate, and what it cost the daemon, the plugin and the client. */
interface TaskRound {
  rate: number;
  cost: CostPerRequest;
  clientCpuUs: number;
  pluginCpuUs: number;
  latencyP50Ms: number;
}

/** CPU seconds of `pids` together (a process gone counts 0). */
function cpuOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuSecondsSync(pid);
    } catch { /* gone */ }
  }
  return total;
}

/**
 * `total` task submissions from the raw HTTP/1.1 client in its own process (bench/lib/
 * raw_http_load.ts: `clients` keep-alive connections, one request in flight each), every one
 * answered 202; the rate and the CPU per task of the daemon, the processing plugin and the client.
 */
async function postTasks(
  c: SocketClient,
  daemon: TestDaemon,
  processor: number[],
  clients: number,
  total: number,
): Promise<TaskRound> {
  const mark = await costMark(c, daemon.process.pid);
  const plugin0 = cpuOf(processor);
  const load = await rawHttpLoad({
    socket: daemon.socketPath,
    path: "/v1/tasks/bench.noop",
    template: TASK_BODY,
    clients,
    total,
  });
  const pluginCpuUs = Math.round(((cpuOf(processor) - plugin0) / total) * 1e6);
  return {
    rate: load.rate,
    cost: await costSince(c, daemon.process.pid, mark, total),
    clientCpuUs: load.client_cpu_us,
    pluginCpuUs,
    latencyP50Ms: load.latency_p50_ms,
  };
}

/** The body of every posted task (`{i}` is the request's number). */
const TASK_BODY = `{"input":{"i":{i}}}`;

async function tasks(o: WorkMeasureOptions): Promise<MeasureResult[]> {
  await using daemon = await benchDaemon();
  using c = new SocketClient(daemon.socketPath);
  await installGrantEnable(c, BENCH_TASK_DIR);
  // The processor's processes (launcher, bwrap, deno), read before any load (see daemon_cost.ts).
  const processor = await descendants(daemon.process.pid);
  // The HTTP ceiling of this client on this host: the same requests to a bare Deno.serve.
  const httpCeiling = await bareServerLoad({
    path: "/v1/tasks/bench.noop",
    template: TASK_BODY,
    clients: o.clients,
    total: o.tasks,
  });
  await postTasks(c, daemon, processor, o.clients, 500); // warm-up
  const running: TaskRound[] = [];
  for (let r = 0; r < o.rounds; r++) {
    running.push(await postTasks(c, daemon, processor, o.clients, o.tasks));
  }
  const lat: number[] = [];
  for (let i = 0; i < o.waits + 50; i++) {
    const t = performance.now();
    const a = await c.json("POST", "/v1/tasks/bench.noop?wait=30", { input: { i } });
    if (a.body?.status !== "succeeded") throw new Error(`task ended ${JSON.stringify(a.body)}`);
    if (i >= 50) lat.push(performance.now() - t);
  }
  // Intake alone: the processor stopped (SIGSTOP), so nothing but submissions (and the claims of
  // the first `concurrency` tasks) competes for the daemon and the disk.
  const paused: TaskRound[] = [];
  for (const pid of processor) Deno.kill(pid, "SIGSTOP");
  try {
    for (let r = 0; r < o.rounds; r++) {
      paused.push(await postTasks(c, daemon, processor, o.clients, o.tasks));
    }
  } finally {
    for (const pid of processor) Deno.kill(pid, "SIGCONT");
  }
  const client = `a raw HTTP/1.1 client in its own process (${o.clients} keep-alive ` +
    "connections, one request in flight each, no fetch: bench/lib/raw_http_load.ts)";
  // The same intake measured twice: with the processor draining, and with it paused.
  const accepted = (id: string, label: string, rounds: TaskRound[], notes: string) =>
    result({
      id,
      name: `tasks accepted (stored, 202), ${o.clients} clients${label}`,
      unit: "tasks/s",
      ...summarizeRates(rounds.map((r) => r.rate)),
      target: { stat: "median", op: ">", value: 5000 },
      config: {
        clients: o.clients,
        rounds: o.rounds,
        tasks_per_round: o.tasks,
        client,
        request_latency_p50_ms: summarize(rounds.map((r) => r.latencyP50Ms)).median,
        client_cpu_us_per_task: summarize(rounds.map((r) => r.clientCpuUs)).median,
        plugin_cpu_us_per_task: summarize(rounds.map((r) => r.pluginCpuUs)).median,
        http_floor_per_s: Math.round(httpCeiling.rate),
        http_floor_client_cpu_us: httpCeiling.client_cpu_us,
        ...meanCost(rounds.map((r) => r.cost)),
      },
      notes,
    });
  return [
    accepted(
      "tasks_accepted",
      "",
      running,
      "inserts, claims and finished attempts share commits (group commit); the processor " +
        "drains the tasks meanwhile, so the cost per task covers its whole life; " +
        "http_floor_per_s: the same client and requests against a bare Deno.serve on a socket",
    ),
    accepted(
      "tasks_accepted_paused",
      ", processor paused",
      paused,
      "the processing plugin's processes stopped (SIGSTOP) during these rounds: the " +
        "intake alone (insert, group commit, answer)",
    ),
    result({
      id: "task_end_to_end",
      name: "no-op task, POST ?wait until succeeded, socket",
      unit: "ms",
      ...summarize(lat),
      target: null,
      notes: "sequential: insert, claim, call, result, all committed, answered",
    }),
  ];
}

/** Durable events/s with one plugin subscribed, with execution records `on` or `off`. */
async function intake(
  o: WorkMeasureOptions,
  records: "on" | "off",
): Promise<{ rates: number[]; costs: CostPerRequest[] }> {
  await using daemon = await benchDaemon({ env: { PLUGD_EXECUTION_RECORDS: records } });
  console.error(`bench: work: records ${records}: daemon up`);
  using c = new SocketClient(daemon.socketPath);
  await installGrantEnable(c, BENCH_ECHO_DIR);
  // The raw client in its own process (bench/lib/raw_http_load.ts): fetch's own CPU per request
  // was more than the daemon's, so the records' share of the daemon's work was diluted.
  const send = async (total: number) => {
    const mark = await costMark(c, daemon.process.pid);
    const r = await rawHttpLoad({
      socket: daemon.socketPath,
      path: "/v1/events",
      template: `{"specversion":"1.0","source":"/bench","type":"bench.noop","data":{"i":{i}}}`,
      clients: o.clients,
      total,
    });
    return { rate: r.rate, cost: await costSince(c, daemon.process.pid, mark, total) };
  };
  await send(2000); // warm-up
  const rates: number[] = [];
  const costs: CostPerRequest[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const round = await send(o.events);
    rates.push(round.rate);
    costs.push(round.cost);
    console.error(`bench: work: records ${records}: ${Math.round(round.rate)} events/s`);
  }
  return { rates, costs };
}

/** Durable events/s with one plugin subscribed and records `on` or `off` (one group each). */
async function recordsRate(o: WorkMeasureOptions, records: "on" | "off"): Promise<MeasureResult[]> {
  const { rates, costs } = await intake(o, records);
  return [result({
    id: `events_records_${records}`,
    name: `durable events/s, 1 plugin subscribed, execution records ${records}`,
    unit: "events/s",
    ...summarizeRates(rates),
    target: null,
    config: {
      clients: o.clients,
      rounds: o.rounds,
      events_per_round: o.events,
      client: "raw HTTP/1.1 in its own process (bench/lib/raw_http_load.ts)",
      ...meanCost(costs),
    },
  })];
}

/**
 * What records cost: the loss of `events_records_on` against `events_records_off` (measured in
 * two groups, since one process cannot start a second daemon after heavy socket load).
 */
export function recordsLoss(results: MeasureResult[]): MeasureResult | null {
  const on = results.find((r) => r.id === "events_records_on");
  const off = results.find((r) => r.id === "events_records_off");
  if (!on || !off) return null;
  return result({
    id: "events_records_loss",
    name: "durable events/s lost to execution records (1 plugin subscribed)",
    unit: "%",
    median: Math.round((1 - on.median / off.median) * 1000) / 10,
    p99: null,
    count: on.count + off.count,
    target: { stat: "median", op: "<", value: 10 },
    config: {
      with_records: on.median,
      without_records: off.median,
      // The same comparison in daemon CPU per event, which the neighbours' load moves less.
      cpu_us_with_records: on.config?.daemon_cpu_us,
      cpu_us_without_records: off.config?.daemon_cpu_us,
      cpu_share_of_records_pct: cpuShare(on.config?.daemon_cpu_us, off.config?.daemon_cpu_us),
      commits_per_1k_with_records: on.config?.commits_per_1k,
      commits_per_1k_without_records: off.config?.commits_per_1k,
    },
    notes: "intake and delivery share the 2 cores, so every record's cost shows in the rate; " +
      "the CPU share (1 - CPU without / CPU with) is the steadier figure on a loaded machine",
  });
}

function cpuShare(on: unknown, off: unknown): number | null {
  if (typeof on !== "number" || typeof off !== "number" || on <= 0) return null;
  return Math.round((1 - off / on) * 1000) / 10;
}

/** Seeds `rows` records straight into a stopped daemon's database, newest last. */
async function seed(daemon: TestDaemon, rows: number): Promise<void> {
  const db = createClient({ url: `file:${join(daemon.stateDir, "plugd.db")}` });
  const now = Date.now();
  const kinds = ["action", "filter", "gate", "route", "cron", "task"];
  try {
    for (let done = 0; done < rows;) {
      const batch = [];
      for (let s = 0; s < 50 && done < rows; s++) {
        const n = Math.min(200, rows - done);
        const values: (string | number | null)[] = [];
        for (let k = 0; k < n; k++) {
          const i = done + k;
          values.push(
            `p${i % 50}`,
            kinds[i % kinds.length]!,
            "bench.h",
            i % 97 === 0 ? "error" : "ok",
            now - (rows - i) * 10,
            1.5,
            i % 97 === 0 ? "boom" : null,
            '{"i":1}',
          );
        }
        batch.push({
          sql: `INSERT INTO executions (plugin_id, kind, name, status, started_at, duration_ms,
            error, input) VALUES ${new Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
          args: values,
        });
        done += n;
      }
      await db.batch(batch, "write");
    }
  } finally {
    db.close();
  }
}

async function executionQueries(o: WorkMeasureOptions): Promise<MeasureResult[]> {
  // The first start creates the schema; the rows go in while the daemon is stopped.
  const first = await benchDaemon();
  await first.stop();
  const t0 = performance.now();
  await seed(first, o.rows);
  const seedS = (performance.now() - t0) / 1000;
  await using daemon = await benchDaemon({ stateDir: first.stateDir, readyTimeoutMs: 120_000 });
  using c = new SocketClient(daemon.socketPath);
  const out: MeasureResult[] = [];
  const queries: [string, string][] = [
    ["newest", "/v1/executions?limit=50"],
    ["plugin", "/v1/executions?plugin=p7&limit=50"],
    ["failed", "/v1/executions?status=error&limit=50"],
    ["kind_time", "/v1/executions?kind=task&since=1h&limit=50"],
  ];
  for (const [id, path] of queries) {
    const lat: number[] = [];
    for (let i = 0; i < o.queries + 10; i++) {
      const t = performance.now();
      const a = await c.json("GET", path);
      if (a.status !== 200 || a.body.executions.length === 0) {
        throw new Error(`GET ${path} answered ${a.status} with ${a.body?.executions?.length} rows`);
      }
      if (i >= 10) lat.push(performance.now() - t);
    }
    out.push(result({
      id: `executions_query_${id}`,
      name: `GET ${path.slice(3)} at ${o.rows.toLocaleString("en")} rows`,
      unit: "ms",
      ...summarize(lat),
      target: null,
      config: { rows: o.rows, seed_s: Math.round(seedS) },
    }));
  }
  return out;
}

/** Tasks accepted per second and a no-op task end to end. */
export function taskMeasures(o: WorkMeasureOptions): Promise<MeasureResult[]> {
  return tasks(o);
}

/** Durable events/s with records off (`records_off`) or on (`records_on`). */
export function recordsMeasures(
  o: WorkMeasureOptions,
  records: "on" | "off",
): Promise<MeasureResult[]> {
  return recordsRate(o, records);
}

/** `GET /v1/executions` at `o.rows` stored records. */
export function executionQueryMeasures(o: WorkMeasureOptions): Promise<MeasureResult[]> {
  return executionQueries(o);
}
