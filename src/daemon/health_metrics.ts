/**
 * Daemon-level series for `/metrics`: database commits and health, listener connections, the
 * daemon's own memory.
 */
import { metrics, type MetricsRegistry } from "../metrics/mod.ts";
import type { Store } from "../store/mod.ts";
import type { HttpListener } from "./http_listener.ts";

/** Commit buckets in seconds: a healthy commit takes ~0.3 ms; a stalled disk, seconds. */
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** Records each commit's duration (ms) in `plugd_store_commit_seconds`. */
export function observeCommits(registry: MetricsRegistry = metrics): (ms: number) => void {
  const histogram = registry.histogram(
    "plugd_store_commit_seconds",
    "Time per database commit batch (on the writer thread, off the event loop)",
    { buckets: COMMIT_BUCKETS },
  );
  return (ms) => histogram.observe({}, ms / 1000);
}

/**
 * `plugd_store_degraded` (1 while writes fail) and, per listener, `plugd_http_connections`,
 * `plugd_http_connections_refused_total`, `plugd_http_connections_closed_total{reason}`,
 * `plugd_http_accept_errors_total`, and `plugd_daemon_memory_bytes{kind}` (RSS, the main V8
 * heap's used and committed bytes, V8's external memory such as ArrayBuffers), refreshed at each
 * scrape.
 */
export function registerDaemonHealth(
  store: Store,
  listeners: () => readonly HttpListener[],
  registry: MetricsRegistry = metrics,
): void {
  const degraded = registry.gauge("plugd_store_degraded", "1 while database writes fail");
  const open = registry.gauge("plugd_http_connections", "Connections open, by listener");
  const refused = registry.gauge(
    "plugd_http_connections_refused_total",
    "Connections refused with 503 at the cap (all busy), by listener",
  );
  const closed = registry.gauge(
    "plugd_http_connections_closed_total",
    "Connections closed by the daemon, by listener and reason (evicted, idle, body_timeout)",
  );
  const acceptErrors = registry.gauge(
    "plugd_http_accept_errors_total",
    "accept() failures (e.g. EMFILE), by listener",
  );
  const memory = registry.gauge(
    "plugd_daemon_memory_bytes",
    "The daemon's memory by kind: rss, heap_used and heap_total (main V8 heap), external",
  );
  registry.onCollect(() => {
    degraded.set({}, store.problem ? 1 : 0);
    const used = Deno.memoryUsage();
    memory.set({ kind: "rss" }, used.rss);
    memory.set({ kind: "heap_used" }, used.heapUsed);
    memory.set({ kind: "heap_total" }, used.heapTotal);
    memory.set({ kind: "external" }, used.external);
    for (const l of listeners()) {
      const listener = l.addr.transport;
      open.set({ listener }, l.stats.open);
      refused.set({ listener }, l.stats.refused);
      closed.set({ listener, reason: "evicted" }, l.stats.evicted);
      closed.set({ listener, reason: "idle" }, l.stats.idleClosed);
      closed.set({ listener, reason: "body_timeout" }, l.stats.bodyTimeouts);
      acceptErrors.set({ listener }, l.stats.acceptErrors);
    }
  });
}
