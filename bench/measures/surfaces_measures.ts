/**
 * Plugin surfaces (issue 14): public-route requests per second and latency through the daemon to
 * one plugin, driven by wrk against the TCP port (a ~100-byte webhook POST), next to wrk against
 * `GET /v1/health` (no plugin) in the same run; and the round trip of a plugin CLI command (the
 * NDJSON stream the CLI reads, over the socket, CLI start excluded).
 */
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { type MeasureResult, result, summarize, timeEach } from "../lib/stats.ts";

/** Options of {@linkcode surfacesMeasures}. */
export interface SurfacesOptions {
  /** wrk rounds and seconds per round. */
  rounds: number;
  seconds: number;
  /** wrk connections (threads: 2). */
  connections: number;
  /** Sequential command runs. */
  commands: number;
}

const PLUGIN = new URL("../plugins/bench-surfaces", import.meta.url).pathname;
const BODY = JSON.stringify({ ref: "refs/heads/main", after: "0".repeat(40), pusher: "bench" });

interface WrkRound {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** Runs wrk once and reads requests/s and the latency distribution (ms). */
async function wrk(url: string, o: SurfacesOptions, script?: string): Promise<WrkRound> {
  const args = ["-t2", `-c${o.connections}`, `-d${o.seconds}s`, "--latency"];
  const out = await new Deno.Command("wrk", {
    args: [...args, ...(script ? ["-s", script] : []), url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  const ms = (pct: string) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(text);
    if (!m) throw new Error(`no ${pct}% line in wrk output:\n${text}`);
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]!;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return { rps, p50: ms("50"), p99: ms("99"), non2xx };
}

/** The public-route and command measures. */
export async function surfacesMeasures(o: SurfacesOptions): Promise<MeasureResult[]> {
  await using daemon = await benchDaemon({ env: { PLUGD_RATE_LIMIT: "off" } });
  using c = new SocketClient(daemon.socketPath);
  await installGrantEnable(c, PLUGIN);
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  try {
    await Deno.writeTextFile(
      script,
      `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\n` +
        `wrk.headers["Content-Type"] = "application/json"\n` +
        `wrk.headers["X-Hub-Signature-256"] = "sha256=${"0".repeat(64)}"\n`,
    );
    const url = `${daemon.baseUrl}/hooks/bench-surfaces/in`;
    await wrk(url, { ...o, seconds: 1 }, script); // warm-up
    const rounds: WrkRound[] = [];
    const floors: WrkRound[] = [];
    for (let i = 0; i < o.rounds; i++) {
      rounds.push(await wrk(url, o, script));
      floors.push(await wrk(`${daemon.baseUrl}/v1/health`, o));
    }
    const bad = rounds.reduce((n, r) => n + r.non2xx, 0);
    if (bad > 0) throw new Error(`${bad} public-route requests were not 2xx`);
    const med = (xs: number[]) => summarize(xs).median;
    const config = {
      tool: "wrk -t2 -c" + o.connections + ` -d${o.seconds}s --latency`,
      rounds: o.rounds,
      request: `POST ${BODY.length}-byte JSON with a signature header`,
    };

    const run = async () => {
      const answer = await c.text(
        "POST",
        "/v1/plugins/bench-surfaces/commands/echo",
        '{"args":["hi"]}',
      );
      const last = JSON.parse(answer.text.trim().split("\n").at(-1)!);
      if (answer.status !== 200 || last.exit !== 0) {
        throw new Error(`unexpected command answer ${answer.status}: ${answer.text}`);
      }
    };
    await timeEach(20, run);
    const commandTimes = await timeEach(o.commands, run);
    const healthTimes = await timeEach(o.commands, () => c.json("GET", "/v1/health"));
    return [
      result({
        id: "public_route_rps",
        name: "public route requests/s through the daemon to one plugin (wrk, TCP)",
        unit: "req/s",
        median: med(rounds.map((r) => r.rps)),
        p99: Math.min(...rounds.map((r) => r.rps)),
        count: rounds.length,
        target: null,
        floor: {
          name: "GET /v1/health, no plugin (wrk, same run)",
          median: med(floors.map((r) => r.rps)),
          p99: Math.min(...floors.map((r) => r.rps)),
          count: floors.length,
        },
        config,
        notes: "p99 column = the slowest round; one plugin process under its cgroup CPU quota " +
          "(50 % of a core by default) answers every request",
      }),
      result({
        id: "public_route_latency",
        name: "public route latency under that load, p50 / p99 (wrk)",
        unit: "ms",
        median: med(rounds.map((r) => r.p50)),
        p99: Math.max(...rounds.map((r) => r.p99)),
        count: rounds.length,
        target: null,
        floor: {
          name: "GET /v1/health, no plugin",
          median: med(floors.map((r) => r.p50)),
          p99: Math.max(...floors.map((r) => r.p99)),
          count: floors.length,
        },
        config,
        notes: "median of the rounds' p50; worst round's p99",
      }),
      result({
        id: "command_round_trip",
        name: "plugin CLI command round trip over the socket (CLI start excluded)",
        unit: "ms",
        ...summarize(commandTimes),
        target: null,
        floor: { name: "GET /v1/health over the socket", ...summarize(healthTimes) },
        config: {
          command: "bench-surfaces echo hi",
          stream: "NDJSON: one out line, the exit line",
        },
      }),
    ];
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}
