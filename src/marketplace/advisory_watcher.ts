/**
 * Polls the advisory feed of every registry server that has an `advisory_key`, every
 * `advisoryPollS` seconds (30 by default, so a `disable` lands within a minute), with
 * conditional requests. Failures are logged once per change and shown in `GET /v1/advisories`.
 */
import type { RegistrySource } from "../config/mod.ts";
import { metrics } from "../metrics/mod.ts";
import { acceptFeed, type FeedOutcome, fetchFeed } from "./advisory_sync.ts";
import type { MarketplaceHost } from "./types.ts";

const refused = metrics.counter(
  "plugd_registry_feed_errors_total",
  "Advisory feeds that could not be fetched or were refused, by registry and code",
);

/** The last poll of one registry. */
export interface FeedStatus {
  checked_at: string | null;
  ok: boolean;
  error: string | null;
}

/** The polling loop; `start()` with the daemon, `stop()` before the store closes. */
export class AdvisoryWatcher {
  #host: MarketplaceHost;
  #intervalMs: number;
  #etags = new Map<string, string>();
  #status = new Map<string, FeedStatus>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | null = null;
  #stopped = false;

  constructor(host: MarketplaceHost, intervalMs: number) {
    this.#host = host;
    this.#intervalMs = intervalMs;
  }

  /** The registries whose feeds are followed. */
  get sources(): RegistrySource[] {
    return this.#host.config.registries.filter((r) => r.kind === "server" && r.advisoryKey);
  }

  /** Starts polling (first poll at once, in the background). */
  start(): void {
    for (const r of this.#host.config.registries) {
      if (r.kind === "server" && !r.advisoryKey) {
        this.#host.log(
          `advisories of registry ${r.name} are NOT checked: set its advisory_key (the ` +
            "registry's advisory.pub) to have them enforced",
        );
      }
    }
    if (this.sources.length === 0) return;
    const tick = () => {
      this.#running = this.pollAll().finally(() => {
        this.#running = null;
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#intervalMs);
      });
    };
    tick();
  }

  /** Polls every followed registry once (also what a test or `POST /v1/advisories/check` runs). */
  async pollAll(): Promise<FeedOutcome[]> {
    const outcomes: FeedOutcome[] = [];
    for (const source of this.sources) {
      if (this.#stopped) break;
      try {
        const fetched = await fetchFeed(
          source,
          this.#etags.get(source.name),
          this.#host.config.registryTimeoutMs,
        );
        if (fetched) {
          outcomes.push(await acceptFeed(this.#host, source, fetched.doc, "poll"));
          if (fetched.etag) this.#etags.set(source.name, fetched.etag);
        }
        this.#record(source.name, null);
      } catch (error) {
        const code = (error as { code?: string }).code ?? "error";
        refused.inc({ registry: source.name, code });
        this.#record(source.name, (error as Error).message);
      }
    }
    return outcomes;
  }

  /** The last poll's outcome per registry. */
  status(registry: string): FeedStatus {
    return this.#status.get(registry) ?? { checked_at: null, ok: false, error: null };
  }

  #record(registry: string, error: string | null): void {
    const before = this.#status.get(registry);
    if (error && before?.error !== error) {
      this.#host.log(`advisory feed of registry ${registry}: ${error}`);
    }
    this.#status.set(registry, { checked_at: new Date().toISOString(), ok: !error, error });
  }

  /** Stops polling and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }
}
