/**
 * log-hub (issue 20): lines ingested per second by file tail and by HTTP NDJSON batches, and the
 * p95 of searches over 1,000,000 stored lines. The real daemon runs the real plugins/log-hub
 * (its manifest's read path pointed at a bench folder) under the sandbox; the 1,000,000 lines
 * are built through the plugin's own ingestion paths (the file rounds, then HTTP batches), so
 * building the data set is the ingestion measure.
 */
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { type MeasureResult, quantile, result, summarize, summarizeRates } from "../lib/stats.ts";
import { logFolder, logHubCopy, writeLog } from "../../tests/essential/_log_hub.ts";

/** Options of {@linkcode logHubMeasures}. */
export interface LogHubOptions {
  /** Lines stored in all (file rounds first, then HTTP batches). */
  lines: number;
  /** Lines per file round. */
  fileRound: number;
  fileRounds: number;
  /** Lines per HTTP round, per request, and requests in flight. */
  httpRound: number;
  batch: number;
  clients: number;
  /** Runs of each search query. */
  searches: number;
}

const TOKEN = "bench-ingest-token-000000000001";
const PATHS = ["/api/users", "/api/orders", "/api/payments", "/static/app.js", "/health", "/login"];
const SERVICES = ["billing", "web", "worker", "auth"];
const WORDS = ["cache miss", "request done", "payment timeout", "retrying upstream", "slow query"];

/** A small deterministic PRNG (the same data set every run). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function status(r: number): number {
  return r < 0.9 ? 200 : r < 0.95 ? 404 : r < 0.98 ? 500 : 502;
}

/**
 * An access-log line and an application JSON line, alternately, at about time `ts` (lines come in
 * time order with a second of jitter, as several writers' logs do).
 */
function makeLine(i: number, rand: () => number, ts: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  if (i % 2 === 0) {
    const path = `${pick(PATHS)}${rand() < 0.5 ? `/${Math.floor(rand() * 10000)}` : ""}`;
    const d = new Date(ts - Math.floor(rand() * 1000));
    const mon = [
      "Jan",
      "Feb",
      "Mar",
      "Apr",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec",
    ];
    const p = (n: number) => String(n).padStart(2, "0");
    const date = `${p(d.getUTCDate())}/${mon[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
      `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
    return `10.1.${i % 250}.${i % 199} - - [${date}] "GET ${path} HTTP/1.1" ${status(rand())} ` +
      `${Math.floor(rand() * 50000)} "-" "Mozilla/5.0 (bench)"`;
  }
  const level = rand() < 0.85 ? "info" : rand() < 0.6 ? "warn" : "error";
  return JSON.stringify({
    ts: ts - Math.floor(rand() * 1000),
    level,
    service: pick(SERVICES),
    msg: `${pick(WORDS)} order-${Math.floor(rand() * 100000)}`,
    ms: Math.floor(rand() * 2000),
  });
}

/** The measures. */
export async function logHubMeasures(o: LogHubOptions): Promise<MeasureResult[]> {
  const logs = await logFolder();
  const pkg = await logHubCopy(logs, "localhost:9200");
  try {
    await using daemon = await benchDaemon({ env: { PLUGD_RATE_LIMIT: "off" } });
    using c = new SocketClient(daemon.socketPath);
    console.error("log-hub: daemon up");
    await installGrantEnable(c, pkg);
    console.error("log-hub: enabled");
    const config = {
      ingest_token: TOKEN,
      files: [{ path: `${logs}/*.log`, parser: "auto" }],
      poll_ms: 100,
      retention: { days: 3650, max_mb: 0 },
      anomaly: { enabled: false },
    };
    const set = await c.json("PUT", "/v1/plugins/log-hub/config", config);
    if (set.status !== 200) throw new Error(`config: ${JSON.stringify(set.body)}`);
    console.error("log-hub: configured");
    const rand = rng(42);
    const now = Date.now();
    const SPAN = 50 * 60_000; // the data set covers the last 50 minutes
    const at = (i: number) => now - SPAN + Math.floor((i / o.lines) * SPAN);
    let made = 0;
    const route = (path: string) => `/v1/plugins/log-hub/routes${path}`;

    // 1. File tail: each round appends lines to the file, timed until the plugin's offset reaches
    // the file's end (from the write's end: the plugin polls every 100 ms).
    const file = `${logs}/bench.log`;
    await writeLog(file, "", false);
    const fileRates: number[] = [];
    for (let r = 0; r < o.fileRounds; r++) {
      let text = "";
      for (let i = 0; i < o.fileRound; i++) text += makeLine(made, rand, at(made++)) + "\n";
      await writeLog(file, text);
      const size = (await Deno.stat(file)).size;
      const t = performance.now();
      for (;;) {
        const s = await c.json("GET", route("/sources"));
        const open = (s.body?.open ?? []) as { path: string; offset: number }[];
        if ((open.find((f) => f.path === file)?.offset ?? 0) >= size) break;
        if (performance.now() - t > 300_000) {
          throw new Error(`the file tail did not reach ${size} bytes: ${JSON.stringify(s.body)}`);
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      console.error(`log-hub: file round ${r + 1}: ${o.fileRound} lines`);
      fileRates.push(o.fileRound / ((performance.now() - t) / 1000));
    }

    // 2. HTTP batches: `clients` requests in flight over TCP to the public route.
    const httpRates: number[] = [];
    const url = `${daemon.baseUrl}/hooks/log-hub/ingest`;
    while (made < o.lines) {
      const round = Math.min(o.httpRound, o.lines - made);
      const bodies: string[] = [];
      for (let i = 0; i < round; i += o.batch) {
        const n = Math.min(o.batch, round - i);
        bodies.push(
          Array.from({ length: n }, () => JSON.stringify(makeLine(made, rand, at(made++)))).join(
            "\n",
          ),
        );
      }
      const t = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: o.clients }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const res = await fetch(url, {
            method: "POST",
            headers: { authorization: `Bearer ${TOKEN}` },
            body,
          });
          const answer = await res.json();
          if (res.status !== 200 || answer.rejected.length) {
            throw new Error(
              `ingest answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`,
            );
          }
        }
      }));
      httpRates.push(round / ((performance.now() - t) / 1000));
      console.error(`log-hub: ${made} lines stored`);
    }
    const stored = await c.json("GET", route("/stats?since=7d"));
    if (stored.body.total !== o.lines) {
      throw new Error(`expected ${o.lines} lines stored, the plugin counts ${stored.body.total}`);
    }

    // 3. Searches over everything stored, each query `searches` times.
    const queries: Record<string, string>[] = [
      { q: "status:5* AND path:/api", since: "1h" },
      { q: "level:error service:billing" },
      { q: '"payment timeout"' },
      { q: "order-4242" },
      { q: "path:/api/orders status>=500" },
      { q: "timeout ms>=1900" },
      { q: 'service:worker msg~"order-99[0-9]{3}$"' },
    ];
    const all: number[] = [];
    const perQuery: Record<string, number> = {};
    for (const query of queries) {
      const params = new URLSearchParams({ ...query, limit: "100" });
      const times: number[] = [];
      for (let i = 0; i < o.searches; i++) {
        const t = performance.now();
        const res = await c.json("GET", route(`/search?${params}`));
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`search ${query.q}: ${JSON.stringify(res.body)}`);
      }
      all.push(...times);
      perQuery[query.q!] = Math.round(summarize(times).median * 10) / 10;
    }
    const sorted = [...all].sort((a, b) => a - b);
    return [
      result({
        id: "log_hub_file_tail",
        name: "log-hub lines ingested per second, file tail",
        unit: "lines/s",
        ...summarizeRates(fileRates),
        target: null,
        config: {
          lines_per_round: o.fileRound,
          rounds: o.fileRounds,
          poll_ms: 100,
          parser: "auto",
        },
      }),
      result({
        id: "log_hub_http_batch",
        name: "log-hub lines ingested per second, HTTP NDJSON batches",
        unit: "lines/s",
        ...summarizeRates(httpRates),
        target: null,
        config: {
          batch: o.batch,
          clients: o.clients,
          lines_per_round: o.httpRound,
          route: "public, TCP",
        },
      }),
      result({
        id: "log_hub_search",
        name: `log-hub search over ${o.lines.toLocaleString("en")} stored lines`,
        unit: "ms",
        ...summarize(all),
        p95: quantile(sorted, 0.95),
        target: null,
        config: {
          stored_lines: o.lines,
          runs_per_query: o.searches,
          limit: 100,
          median_ms_by_query: perQuery,
        },
        notes: "through the daemon's token route over the socket (plugin → its database process)",
      }),
    ];
  } finally {
    await Deno.remove(logs, { recursive: true });
    await Deno.remove(pkg, { recursive: true });
  }
}
