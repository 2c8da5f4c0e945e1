/**
 * The marketplace, daemon side, as one service: catalog and reviews, advisory feeds (polled and
 * pushed) and their enforcement, outdated plugins, updates and auto-update. Its route groups
 * live in src/api; it starts after the plugins and stops before them.
 */
import { AdvisoryFeedError, type UpdatePolicy } from "../registry/mod.ts";
import { advisoryReport } from "./advisory_report.ts";
import { acceptFeed, type FeedOutcome, sourceForFeed } from "./advisory_sync.ts";
import { AdvisoryWatcher } from "./advisory_watcher.ts";
import { AutoUpdater, type AutoUpdateRun } from "./auto_updater.ts";
import type { CatalogQuery, CatalogResult } from "./catalog.ts";
import { detailWithInstalled, searchWithInstalled, sendAsInstallation } from "./catalog_actions.ts";
import { collectMarketplaceMetrics } from "./marketplace_metrics.ts";
import { checkUpdates, type UpdateCheck } from "./outdated.ts";
import type { MarketplaceHost } from "./types.ts";
import { applyUpdates, setUpdatePolicy } from "./update_actions.ts";

/** The marketplace's operations and background work. */
export class MarketplaceService {
  readonly watcher: AdvisoryWatcher;
  readonly updater: AutoUpdater;
  #host: MarketplaceHost;

  /**
   * Builds the service; `start()` begins polling advisory feeds (every `advisoryPollS`) and the
   * update check (every `updateCheckS`).
   */
  constructor(host: MarketplaceHost) {
    this.#host = host;
    this.watcher = new AdvisoryWatcher(host, host.config.advisoryPollS * 1000);
    this.updater = new AutoUpdater(host, host.config.updateCheckS * 1000);
    collectMarketplaceMetrics(host.store);
  }

  /** Searches every configured registry. */
  search(query: CatalogQuery): Promise<CatalogResult> {
    return searchWithInstalled(this.#host, query);
  }

  /** One plugin's detail, from `registry` or the first registry listing it. */
  detail(id: string, registry?: string): Promise<Record<string, unknown>> {
    return detailWithInstalled(this.#host, id, registry);
  }

  /** This installation's review or flag of plugin `id`, sent to its registry. */
  send(
    action: "review" | "flag",
    id: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return sendAsInstallation(this.#host, action, id, body);
  }

  /** Feeds and advisories, with what they affect here. */
  advisories(): Promise<Record<string, unknown>> {
    return advisoryReport(this.#host, this.watcher);
  }

  /** A pushed feed: verified against the registry whose key signed it, stored, enforced. */
  async acceptPushed(doc: Record<string, unknown>): Promise<FeedOutcome> {
    const source = await sourceForFeed(this.#host.config.registries, doc);
    if (!source) {
      throw new AdvisoryFeedError(
        typeof doc.key_id === "string" ? "wrong_key" : "unsigned",
        `No configured registry has the advisory key ${JSON.stringify(doc.key_id ?? null)}; ` +
          "refused (configure the registry's advisory_key)",
      );
    }
    return await acceptFeed(this.#host, source, doc, "push");
  }

  /** Polls every followed feed now. */
  async pollNow(): Promise<Record<string, unknown>> {
    const outcomes = await this.watcher.pollAll();
    return {
      outcomes,
      registries: this.watcher.sources.map((s) => ({
        name: s.name,
        ...this.watcher.status(s.name),
      })),
    };
  }

  /** What is outdated. */
  updates(): Promise<UpdateCheck> {
    return checkUpdates(this.#host);
  }

  /** Updates outdated plugins (all, or `ids`). */
  applyUpdates(options: { ids?: string[]; to: "latest" | "wanted"; actor: string }) {
    return applyUpdates(this.#host, options);
  }

  /** Runs the scheduled check (announce, auto-update) now. */
  checkNow(): Promise<AutoUpdateRun> {
    return this.updater.runOnce();
  }

  /** Sets a plugin's auto-update policy. */
  setPolicy(id: string, policy: UpdatePolicy, actor: string) {
    return setUpdatePolicy(this.#host, id, policy, actor);
  }

  /** Starts the advisory poll and the update check. */
  start(): Promise<void> {
    this.watcher.start();
    this.updater.start();
    return Promise.resolve();
  }

  /** Stops both and waits for work in progress. */
  async stop(): Promise<void> {
    await this.watcher.stop();
    await this.updater.stop();
  }
}
