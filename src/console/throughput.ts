/**
 * Event and webhook throughput for the overview, without counting rows: every `intervalMs` the
 * highest rowid of the events and webhook-delivery tables is sampled (O(1)), and rates come from
 * the difference between samples. One hour of samples is kept in memory.
 */
import type { Store } from "../store/mod.ts";

interface Sample {
  at: number;
  events: number;
  deliveries: number;
}

/** Rates per minute over the last minute and the last hour (null until enough samples). */
export interface Throughput {
  eventsPerMin1m: number | null;
  eventsPerMin1h: number | null;
  deliveriesPerMin1m: number | null;
  deliveriesPerMin1h: number | null;
}

/** Samples table high-water marks and turns them into rates. */
export class ThroughputMeter {
  #store: Store;
  #intervalMs: number;
  #samples: Sample[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(store: Store, intervalMs = 10_000) {
    this.#store = store;
    this.#intervalMs = intervalMs;
  }

  /** Takes a first sample and starts sampling. */
  async start(): Promise<void> {
    await this.sample();
    this.#timer = setInterval(() => {
      this.sample().catch(() => {}); // a busy store skips one sample; rates use the others
    }, this.#intervalMs);
  }

  /** Records one sample now. */
  async sample(): Promise<void> {
    const rs = await this.#store.execute(
      `SELECT (SELECT COALESCE(MAX(rowid), 0) FROM events) AS events,
              (SELECT COALESCE(MAX(rowid), 0) FROM webhook_deliveries) AS deliveries`,
    );
    const row = rs.rows[0]!;
    this.#samples.push({
      at: Date.now(),
      events: Number(row.events),
      deliveries: Number(row.deliveries),
    });
    const horizon = Date.now() - 3_700_000;
    while (this.#samples.length > 2 && this.#samples[0]!.at < horizon) this.#samples.shift();
  }

  /** Current rates. */
  rates(): Throughput {
    return {
      eventsPerMin1m: this.#rate("events", 60_000),
      eventsPerMin1h: this.#rate("events", 3_600_000),
      deliveriesPerMin1m: this.#rate("deliveries", 60_000),
      deliveriesPerMin1h: this.#rate("deliveries", 3_600_000),
    };
  }

  #rate(key: "events" | "deliveries", windowMs: number): number | null {
    const last = this.#samples.at(-1);
    if (!last) return null;
    const first = this.#samples.find((s) => s.at >= last.at - windowMs - this.#intervalMs / 2);
    if (!first || first === last) return null;
    const minutes = (last.at - first.at) / 60_000;
    return Math.max(0, Math.round(((last[key] - first[key]) / minutes) * 10) / 10);
  }

  /** Stops sampling. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
