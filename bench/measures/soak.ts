/**
 * Soak under faults (issue 22): `seconds` at saturation, 64 socket clients posting `soak.load`
 * events, each delivered to a healthy plugin, one that crashes every 200 calls and one that never
 * answers. Reports events accepted/s, `/v1/health` latency over TCP (p50/p99/max, from a separate
 * process), daemon RSS at start/peak/end, the healthy plugin's false timeouts and restarts, and
 * how long the backlog took to drain once the load stopped. Not part of the default bench:
 * `deno task bench --only soak` (or `deno task bench:soak`).
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { rssBytes } from "../lib/proc.ts";
import { type MeasureResult, result, summarize } from "../lib/stats.ts";

/** Options of {@linkcode soak}. */
export interface SoakOptions {
  seconds: number;
  clients: number;
  /** After the load, how long to wait for the healthy plugin to catch up. */
  drainSeconds: number;
}

const PLUGINS = ["soak-healthy", "soak-crashy", "soak-hang"];
const PROBE = fromFileUrl(new URL("../lib/health_probe.ts", import.meta.url));
const MIB = 1024 * 1024;

function pluginDir(id: string): string {
  return fromFileUrl(new URL(`../plugins/${id}`, import.meta.url));
}

/** Runs the soak against one fresh daemon. */
export async function soak(o: SoakOptions): Promise<MeasureResult[]> {
  await using daemon = await benchDaemon();
  using c = new SocketClient(daemon.socketPath);
  for (const id of PLUGINS) await installGrantEnable(c, pluginDir(id));
  const pid = daemon.process.pid;
  const rss = { start: await rssBytes(pid), peak: 0, end: 0 };
  const sampler = setInterval(async () => {
    rss.peak = Math.max(rss.peak, await rssBytes(pid));
  }, 500);

  const durationMs = o.seconds * 1000;
  const probe = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROBE, daemon.baseUrl, String(durationMs), "20"],
    stdout: "piped",
    stderr: "inherit",
  }).output();

  const body = (i: number) =>
    JSON.stringify({ specversion: "1.0", source: "/soak", type: "soak.load", data: { i } });
  let accepted = 0;
  let refused = 0;
  let i = 0;
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.clients }, async () => {
    while (performance.now() < end) {
      try {
        const status = await c.postStatus("/v1/events", body(i++));
        if (status === 202) accepted++;
        else refused++;
      } catch {
        refused++;
      }
    }
  }));
  const loadS = (performance.now() - t0) / 1000;
  const health = JSON.parse(new TextDecoder().decode((await probe).stdout)) as {
    latencies: number[];
    failures: number;
  };

  // Drain: the healthy plugin catches up with every accepted event (when it never restarted).
  const drainStart = performance.now();
  let handled = 0;
  while (performance.now() - drainStart < o.drainSeconds * 1000) {
    const r = await c.json("GET", "/v1/plugins/soak-healthy/routes/count").catch(() => null);
    handled = r?.status === 200 ? Number(r.body.handled) : handled;
    if (handled >= accepted) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainS = (performance.now() - drainStart) / 1000;
  const view = (await c.json("GET", "/v1/plugins/soak-healthy")).body;
  const states = await Promise.all(
    PLUGINS.map(async (id) => `${id}=${(await c.json("GET", `/v1/plugins/${id}`)).body.state}`),
  );
  clearInterval(sampler);
  rss.end = await rssBytes(pid);
  rss.peak = Math.max(rss.peak, rss.end);

  const config = {
    seconds: o.seconds,
    clients: o.clients,
    refused_or_failed_posts: refused,
    health_probe_failures: health.failures,
    healthy_restarts: view.stats?.restarts ?? null,
    healthy_handled: handled,
    accepted,
    drained: handled >= accepted,
    drain_s: Math.round(drainS * 10) / 10,
    plugin_states: states.join(" "),
  };
  const h = health.latencies.length > 0
    ? summarize(health.latencies)
    : { median: NaN, p99: NaN, count: 0 };
  const out: MeasureResult[] = [
    result({
      id: "soak_events",
      name: `soak: events accepted under faults, ${o.clients} clients, ${o.seconds} s`,
      unit: "events/s",
      median: accepted / loadS,
      p99: null,
      count: accepted,
      target: null,
      config,
    }),
    result({
      id: "soak_health_p99",
      name: "soak: GET /v1/health over TCP during the soak",
      unit: "ms",
      ...h,
      target: { stat: "p99", op: "<", value: 100 },
      config: { max_ms: Math.max(...health.latencies), interval_ms: 20 },
    }),
    result({
      id: "soak_false_timeouts",
      name: "soak: timeouts of the healthy plugin (all false)",
      unit: "timeouts",
      median: Number(view.stats?.timeouts ?? 0),
      p99: null,
      count: 1,
      target: { stat: "median", op: "<", value: 1 },
    }),
  ];
  for (const [k, v] of Object.entries(rss)) {
    out.push(result({
      id: `soak_rss_${k}`,
      name: `soak: daemon RSS, ${k}`,
      unit: "MiB",
      median: v / MIB,
      p99: null,
      count: 1,
      target: null,
    }));
  }
  return out;
}
