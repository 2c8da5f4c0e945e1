/**
 * Prometheus metrics: a registry other areas push series into, the daemon's own series, the
 * HTTP middleware and `GET /metrics`.
 *
 * Series the plugin lifecycle should publish through {@linkcode metrics} (docs/operations.md):
 * - `plugd_plugin_state{plugin,state}` gauge: 1 for the current state, 0 for the others
 *   (or `remove` them);
 * - `plugd_plugin_restarts_total{plugin}` counter;
 * - `plugd_plugin_invocations_total{plugin,kind,status}` counter (kind: action|filter|gate|
 *   route|cron, status: ok|error|timeout);
 * - `plugd_plugin_invocation_duration_seconds{plugin,kind}` histogram;
 * - `plugd_plugin_rss_bytes{plugin}` gauge (refresh it in `metrics.onCollect`);
 * - `plugd_plugin_permission_denied_total{plugin}` counter.
 *
 * @example
 * ```ts
 * import { metrics } from "../metrics/mod.ts";
 * const restarts = metrics.counter("plugd_plugin_restarts_total", "Plugin restarts");
 * restarts.inc({ plugin: "slack-notify" });
 * ```
 *
 * @module
 */
import { createRegistry, type MetricsRegistry } from "./registry.ts";

export {
  type Counter,
  createRegistry,
  DEFAULT_BUCKETS,
  escapeLabel,
  type Gauge,
  type Histogram,
  type Labels,
  type MetricsRegistry,
} from "./registry.ts";
export { httpMetrics, type HttpRequestRecorder, httpRequestRecorder } from "./http_metrics.ts";
export { createMetricsRoutes, registerDaemonMetrics } from "./daemon_metrics.ts";

/** The daemon's registry (one daemon per process), rendered by `GET /metrics`. */
export const metrics: MetricsRegistry = createRegistry();
