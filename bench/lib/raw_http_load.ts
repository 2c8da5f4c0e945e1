/**
 * Load on a Unix-socket HTTP server from a separate, cheap client process
 * (raw_http_load_child.ts: raw HTTP/1.1 on `Deno.connect`, no fetch), so a rate is the server's
 * capacity rather than the bench client's. Running it in another process also keeps the bench
 * process's own sockets clear of the Deno 2.9 wedge that heavy socket load can cause (bench/run.ts).
 */
import { fileURLToPath } from "node:url";
import { withBareServer } from "./http_floor.ts";

/** What one load run sends. */
export interface LoadSpec {
  /** The server's Unix socket. */
  socket: string;
  /** Request path, e.g. `/v1/events`. */
  path: string;
  /** @default "application/json" */
  contentType?: string;
  /** Request body; every `{i}` is replaced by the request's number. */
  template: string;
  /** Concurrent keep-alive connections. */
  clients: number;
  /** Requests in all. */
  total: number;
  /** Requests written at once per connection (HTTP/1.1 pipelining). @default 1 */
  depth?: number;
  /** The status counted as a success. @default 202 */
  expect?: number;
  /** Return every request's latency (`latencies_ms`). @default false */
  latencies?: boolean;
}

/** What one load run measured. */
export interface LoadResult {
  requests: number;
  /** Answers with the expected status. */
  expected: number;
  statuses: Record<string, number>;
  seconds: number;
  /** Expected answers per second. */
  rate: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  /** The client process's CPU (user + system) per request, µs. */
  client_cpu_us: number;
  /** Every request's latency, ms (sorted), when `latencies` was asked for. */
  latencies_ms?: number[];
}

const CHILD = fileURLToPath(new URL("./raw_http_load_child.ts", import.meta.url));

/** Runs one load in a fresh client process; throws when it fails or a request is refused. */
export async function rawHttpLoad(spec: LoadSpec): Promise<LoadResult> {
  const full = {
    contentType: "application/json",
    depth: 1,
    expect: 202,
    latencies: false,
    ...spec,
  };
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-config", CHILD, JSON.stringify(full)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !text) {
    throw new Error(`load client failed: ${new TextDecoder().decode(out.stderr).slice(0, 500)}`);
  }
  const result = JSON.parse(text) as LoadResult;
  if (result.expected !== full.total) {
    throw new Error(`load client: ${JSON.stringify(result.statuses)} of ${full.total} requests`);
  }
  return result;
}

/**
 * The same load against a bare `Deno.serve` in its own process (reads the body, answers
 * `expect`): the ceiling of any HTTP-over-socket server on this host with this client.
 */
export function bareServerLoad(spec: Omit<LoadSpec, "socket">): Promise<LoadResult> {
  return withBareServer((_c, socket) => rawHttpLoad({ ...spec, socket }), spec.expect ?? 202);
}

/**
 * Sequential requests on one keep-alive connection (one client, one request in flight), after
 * `warm` uncounted ones on a connection of their own (then `afterWarm` runs, e.g. to read the
 * server's counters): each request's latency as the raw client sees it (no fetch: module doc).
 */
export async function sequentialRequests(
  spec: Omit<LoadSpec, "clients" | "latencies">,
  options: { warm?: number; afterWarm?: () => Promise<void> } = {},
): Promise<LoadResult & { latencies_ms: number[] }> {
  const { warm = 300, afterWarm } = options;
  if (warm > 0) await rawHttpLoad({ ...spec, clients: 1, total: warm });
  await afterWarm?.();
  const r = await rawHttpLoad({ ...spec, clients: 1, latencies: true });
  return { ...r, latencies_ms: r.latencies_ms ?? [] };
}
