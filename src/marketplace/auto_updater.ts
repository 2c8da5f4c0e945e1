/**
 * The update check, on a schedule (`update_check_s`, hourly by default): announces each new
 * version once (`plugin.update_available`), and applies what a plugin's policy allows
 * (`patch`, `minor`) unless it would widen permissions — that waits for an operator. A version
 * that failed (rolled back) is not tried again. Every automatic decision is audited.
 */
import { metrics } from "../metrics/mod.ts";
import { noticeOf, noticeStatement } from "../registry/mod.ts";
import { applyUpdate, auditAutoUpdate, type UpdateOutcome } from "./apply_update.ts";
import { checkUpdates, type UpdateCheck } from "./outdated.ts";
import type { MarketplaceHost } from "./types.ts";

const available = metrics.gauge(
  "plugd_plugin_update_available",
  "1 when a newer version of the plugin is offered by its registry (label: version)",
);

/** What one run found and did. */
export interface AutoUpdateRun {
  check: UpdateCheck;
  announced: { id: string; version: string }[];
  applied: UpdateOutcome[];
}

/** The scheduled check; `start()` with the daemon, `stop()` before the store closes. */
export class AutoUpdater {
  #host: MarketplaceHost;
  #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | null = null;
  #stopped = false;

  constructor(host: MarketplaceHost, intervalMs: number) {
    this.#host = host;
    this.#intervalMs = intervalMs;
  }

  /** First run after one interval (a start is busy enough), then every interval. */
  start(): void {
    if (!this.#host.config.registries.length) return;
    const tick = () => {
      this.#running = this.runOnce().catch((error) =>
        this.#host.log(`update check failed: ${(error as Error).message}`)
      ).finally(() => {
        this.#running = null;
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
      });
    };
    this.#timer = setTimeout(tick, this.#intervalMs);
  }

  /** One check: announce, then apply what policies allow. Runs serialized with itself. */
  async runOnce(): Promise<AutoUpdateRun> {
    const { store } = this.#host;
    const check = await checkUpdates(this.#host);
    const run: AutoUpdateRun = { check, announced: [], applied: [] };
    available.reset();
    for (const info of check.updates) {
      if (!info.latest) continue;
      available.set({ plugin: info.id, version: info.latest.version }, 1);
      if (!(await noticeOf(store, info.id, info.latest.version))) {
        await store.write(() => ({
          statements: [noticeStatement(info.id, info.latest!.version, null)],
        }));
        await this.#host.emit("plugin.update_available", {
          plugin: info.id,
          from: info.installed,
          to: info.latest.version,
          registry: info.registry,
          policy: info.policy,
          widening: info.latest.widening,
          permissions: info.latest.permissions_diff,
        });
        run.announced.push({ id: info.id, version: info.latest.version });
      }
    }
    for (const info of check.updates) {
      const target = info.wanted;
      if (this.#stopped || !target) continue;
      const before = await noticeOf(store, info.id, target.version);
      if (before?.outcome) continue; // tried (or refused) already: an operator decides now
      const outcome: UpdateOutcome = target.widening !== false
        ? {
          id: info.id,
          from: info.installed,
          to: target.version,
          result: "needs_grant",
          permissions_diff: target.permissions_diff,
          detail: "the update asks for more permissions: run plugd plugin update " +
            `${info.id} and grant them`,
        }
        : await applyUpdate(this.#host, info, target, "daemon:auto-update");
      await store.write(() => ({
        statements: [noticeStatement(info.id, target.version, outcome.result)],
      }));
      await auditAutoUpdate(this.#host, outcome);
      run.applied.push(outcome);
    }
    return run;
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }
}
