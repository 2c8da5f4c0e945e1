/**
 * What a plugin may emit: its granted types, its rate (token bucket), and the refusals —
 * counted per plugin and reason, published as a metric, logged.
 */
import { effectiveEmitRate, type EmitRate } from "../config/mod.ts";
import type { Limits } from "../manifest/mod.ts";
import { metrics } from "../metrics/mod.ts";
import { EmitLimiter } from "./emit_limiter.ts";
import type { EmitDenial } from "./host_calls.ts";
import type { LogRings } from "./log_ring.ts";

const refused = metrics.counter(
  "plugd_plugin_emit_refused_total",
  "Events a plugin tried to emit and was refused (reason: permission, rate or tenant)",
);

type Counts = { permission: number; rate: number; tenant: number };

/**
 * Counts refused emits. A type refusal is logged each time; a rate refusal (a flood) is
 * logged at most once a second per plugin with the number suppressed, so a flood cannot
 * flood the log ring either.
 */
export class EmitPolicy {
  readonly limiter = new EmitLimiter();
  #patterns = new Map<string, string[]>();
  #operator: () => { default: EmitRate; ceiling: EmitRate };
  #counts = new Map<string, Counts>();
  #lastRateLog = new Map<string, { at: number; suppressed: number }>();
  #logs: LogRings;

  constructor(logs: LogRings, operator: () => { default: EmitRate; ceiling: EmitRate }) {
    this.#logs = logs;
    this.#operator = operator;
  }

  /** Sets a plugin's granted emit patterns and its rate (from its manifest's limits). */
  configure(pluginId: string, patterns: string[], limits: Limits): void {
    this.#patterns.set(pluginId, patterns);
    this.limiter.configure(pluginId, effectiveEmitRate(limits, this.#operator()));
  }

  /** The granted `emit` patterns of a plugin. */
  patterns(pluginId: string): string[] {
    return this.#patterns.get(pluginId) ?? [];
  }

  /** Records one refusal of `type` for `reason`. */
  record(pluginId: string, type: string, reason: EmitDenial): void {
    const counts = this.#counts.get(pluginId) ?? { permission: 0, rate: 0, tenant: 0 };
    counts[reason]++;
    this.#counts.set(pluginId, counts);
    refused.inc({ plugin: pluginId, reason });
    if (reason === "permission") {
      this.#log(pluginId, `emit of "${type}" refused: not in the plugin's emit permission`);
      return;
    }
    if (reason === "tenant") {
      this.#log(pluginId, `emit of "${type}" refused: it named a tenant other than its call's`);
      return;
    }
    const now = Date.now();
    const last = this.#lastRateLog.get(pluginId);
    if (last && now - last.at < 1000) {
      last.suppressed++;
      return;
    }
    const more = last?.suppressed ? ` (${last.suppressed} more refused since the last notice)` : "";
    this.#lastRateLog.set(pluginId, { at: now, suppressed: 0 });
    this.#log(pluginId, `emit of "${type}" refused: over the plugin's emit rate limit${more}`);
  }

  /** What `GET /v1/plugins/{id}` shows: refusals and the rate in force. */
  view(pluginId: string): {
    emitDenied: Counts;
    emitRate: EmitRate | null;
  } {
    return { emitDenied: this.counts(pluginId), emitRate: this.limiter.rate(pluginId) ?? null };
  }

  /** Every refusal of a plugin so far. */
  total(pluginId: string): number {
    const c = this.counts(pluginId);
    return c.permission + c.rate + c.tenant;
  }

  /** `{permission, rate, tenant}` refusals of a plugin so far. */
  counts(pluginId: string): Counts {
    return this.#counts.get(pluginId) ?? { permission: 0, rate: 0, tenant: 0 };
  }

  #log(pluginId: string, msg: string): void {
    this.#logs.push(pluginId, { ts: Date.now(), stream: "system", level: "warn", msg });
  }
}
