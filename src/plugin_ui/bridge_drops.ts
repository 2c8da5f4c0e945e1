/**
 * Counting what the frame bridge drops: messages from a frame that are malformed, requests for a
 * route its plugin does not declare (another plugin's, the API's), and plugd-looking messages
 * from windows that are no plugin frame. Each is a `plugd_ui_bridge_dropped_total{plugin,reason}`
 * and, at most once a second per plugin, a warning in that plugin's log.
 */
import { metrics, type MetricsRegistry } from "../metrics/mod.ts";

/** Why a message was dropped. */
export type DropReason = "malformed" | "undeclared" | "foreign";

/** Options of {@linkcode BridgeDrops}. */
export interface BridgeDropsOptions {
  /** Writes a warning into a plugin's log. */
  log(pluginId: string, msg: string): void;
  /** @default the daemon's registry */
  registry?: MetricsRegistry;
}

/** The drop counters. */
export class BridgeDrops {
  readonly #log: BridgeDropsOptions["log"];
  readonly #counter;
  readonly #totals = new Map<string, number>();
  readonly #loggedAt = new Map<string, number>();

  constructor(options: BridgeDropsOptions) {
    this.#log = options.log;
    this.#counter = (options.registry ?? metrics).counter(
      "plugd_ui_bridge_dropped_total",
      "Messages from plugin console frames dropped by the bridge, by plugin and reason",
    );
  }

  /** Counts `n` drops of `pluginId` (or `unknown`) for `reason`. */
  count(pluginId: string, reason: DropReason, n = 1, detail = ""): void {
    if (!(n >= 1)) return;
    this.#counter.inc({ plugin: pluginId, reason }, n);
    this.#totals.set(pluginId, (this.#totals.get(pluginId) ?? 0) + n);
    const now = Date.now();
    if (pluginId !== "unknown" && now - (this.#loggedAt.get(pluginId) ?? 0) >= 1000) {
      this.#loggedAt.set(pluginId, now);
      this.#log(
        pluginId,
        `console bridge dropped ${n} message(s) from this plugin's UI (${reason})` +
          (detail ? `: ${detail}` : ""),
      );
    }
  }

  /** Drops counted for `pluginId` since the daemon started. */
  total(pluginId: string): number {
    return this.#totals.get(pluginId) ?? 0;
  }
}
