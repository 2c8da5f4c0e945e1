/**
 * The relay: claims due outbox rows, sends them with per-endpoint and global concurrency caps,
 * records every attempt (results are group-committed), retries on schedule, and disables an
 * endpoint after a run of failed deliveries or a 410.
 *
 * @module
 */
import type { MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { type ClaimedDelivery, runAttempt } from "./_attempt.ts";
import { disableIfFailing } from "./_auto_disable.ts";
import { OutcomeBatches } from "./_outcome_batches.ts";
import { registerOutboxWaker } from "./outbox.ts";
import { signingSecrets } from "./repository.ts";
import { DEFAULT_SCHEDULE_MS } from "./schedule.ts";
import { closeHttpClients } from "./send_request.ts";
import type { GuardOptions } from "./ssrf_guard.ts";
import type { DeliveryAttempt, EmitSystemEvent } from "./types.ts";

/** Options of {@linkcode WebhookRelay}. */
export interface RelayOptions {
  /** Master key that decrypts signing secrets. */
  key: MasterKeyRef;
  /** Delays before each retry, ms. @default DEFAULT_SCHEDULE_MS */
  schedule?: readonly number[];
  /** In-flight requests per endpoint. @default 4 */
  perEndpointConcurrency?: number;
  /** In-flight requests overall. @default 64 */
  globalConcurrency?: number;
  /** Failed deliveries in a row that disable an endpoint. @default 5 */
  failureThreshold?: number;
  /** How often to look for due rows when nothing woke the relay, ms. @default 250 */
  pollMs?: number;
  /** SSRF policy. @default { allowPrivate: false } */
  guard?: GuardOptions;
  /** Extra CA certificates for https receivers. */
  caCerts?: string[];
  /** Emits `webhook.disabled`; the relay logs when absent. */
  emitSystemEvent?: EmitSystemEvent;
  /** @default console.error */
  log?: (message: string) => void;
}

type Held = ClaimedDelivery & { stamp: string };

/** Delivers outbox rows until stopped; `await using relay = ...` stops it. */
export class WebhookRelay {
  #store: Store;
  #o: Required<Omit<RelayOptions, "caCerts" | "emitSystemEvent">> & RelayOptions;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: PromiseWithResolvers<void> = Promise.withResolvers();
  #inflight = new Set<Promise<void>>();
  #perEndpoint = new Map<string, number>();
  #held = new Map<string, Held[]>();
  #sending = 0;
  #heldCount = 0;
  #outcomes: OutcomeBatches;
  #waiters = new Map<string, Set<(a: DeliveryAttempt) => void>>();
  #secrets = new Map<string, { stamp: string; at: number; value: Promise<string[]> }>();

  constructor(store: Store, options: RelayOptions) {
    const o = {
      schedule: DEFAULT_SCHEDULE_MS,
      perEndpointConcurrency: 4,
      globalConcurrency: 64,
      failureThreshold: 5,
      pollMs: 250,
      guard: { allowPrivate: false },
      log: (m: string) => console.error(`plugd: ${m}`),
      ...options,
    };
    for (
      const k of [
        "perEndpointConcurrency",
        "globalConcurrency",
        "failureThreshold",
        "pollMs",
      ] as const
    ) {
      if (!Number.isInteger(o[k]) || o[k] < 1) {
        throw new RangeError(`${k} must be a positive integer; got ${o[k]}`);
      }
    }
    this.#store = store;
    this.#o = o;
    this.#outcomes = new OutcomeBatches(store);
  }

  /** Puts rows a crash left `delivering` back to `pending`, then starts the loop. */
  async start(): Promise<void> {
    if (this.#running) return;
    const reset = await this.#store.execute(
      "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivering'",
    );
    await this.#store.write(() => ({
      statements: [
        "UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'delivering'",
      ],
    }));
    const n = Number(reset.rows[0]?.n ?? 0);
    if (n > 0) this.#o.log(`webhooks: ${n} interrupted deliveries put back in the queue`);
    this.#running = true;
    registerOutboxWaker(this.#store, () => this.wake());
    this.#loop = this.#run();
  }

  /** Stops claiming, waits up to `graceMs` for in-flight attempts, flushes their records. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    registerOutboxWaker(this.#store, null);
    this.wake();
    await this.#loop;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(this.#inflight),
      new Promise((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
    await this.#outcomes.flushed();
    closeHttpClients();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Looks for due rows now (after an enqueue). */
  wake(): void {
    this.#wake.resolve();
  }

  /** Resolves with the first attempt recorded for `deliveryId`, or null after `timeoutMs`. */
  waitForAttempt(deliveryId: string, timeoutMs: number): Promise<DeliveryAttempt | null> {
    return new Promise((resolve) => {
      const set = this.#waiters.get(deliveryId) ?? new Set();
      const done = (a: DeliveryAttempt | null) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(deliveryId);
        resolve(a);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      set.add(done);
      this.#waiters.set(deliveryId, set);
    });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed = 0;
      try {
        claimed = await this.#claimAndLaunch();
      } catch (error) {
        if (this.#running) this.#o.log(`webhooks: relay error: ${(error as Error).message}`);
      }
      if (claimed > 0) continue;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#wake.promise,
        new Promise((r) => (timer = setTimeout(r, this.#o.pollMs))),
      ]);
      clearTimeout(timer);
      this.#wake = Promise.withResolvers();
    }
  }

  /**
   * Claims due rows in one write, up to 4x the global cap (so a single endpoint at its cap
   * does not cost one write per row), holds them in memory per endpoint, and launches as caps
   * allow. Held rows are `delivering` in the database: after a crash they go back to `pending`.
   */
  async #claimAndLaunch(): Promise<number> {
    const capacity = this.#o.globalConcurrency * 4 - this.#sending - this.#heldCount;
    if (capacity <= 0) return 0;
    const rs = await this.#store.execute({
      sql: `SELECT d.id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url, w.timeout_ms,
              w.updated_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= ?
              AND (w.enabled = 1 OR d.event_type = 'webhook.test')
            ORDER BY d.next_attempt_at LIMIT ?`,
      args: [Date.now(), capacity],
    });
    const perEndpointHold = this.#o.perEndpointConcurrency * 16;
    const chosen: Held[] = [];
    const counts = new Map<string, number>();
    for (const r of rs.rows) {
      const wid = String(r.webhook_id);
      const n = counts.get(wid) ?? (this.#held.get(wid)?.length ?? 0) +
          (this.#perEndpoint.get(wid) ?? 0);
      if (n >= perEndpointHold) continue;
      counts.set(wid, n + 1);
      chosen.push({
        id: String(r.id),
        webhookId: wid,
        eventType: String(r.event_type),
        payload: String(r.payload),
        attempts: Number(r.attempts),
        url: String(r.url),
        timeoutMs: Number(r.timeout_ms),
        stamp: String(r.updated_at),
      });
    }
    if (chosen.length === 0) return 0;
    const now = new Date().toISOString();
    // Shares the intake's commit (it reads nothing; a claim moves rows only out of `pending`,
    // which no other sharing write does): one fsync fewer per claim under load.
    await this.#store.write(() => ({
      statements: [{
        sql: `UPDATE webhook_deliveries SET status = 'delivering', updated_at = ?
              WHERE status = 'pending' AND id IN (${chosen.map(() => "?").join(",")})`,
        args: [now, ...chosen.map((c) => c.id)],
      }],
    }), { shareCommit: true });
    for (const d of chosen) {
      const queue = this.#held.get(d.webhookId) ?? [];
      queue.push(d);
      this.#held.set(d.webhookId, queue);
      this.#heldCount++;
    }
    this.#pump();
    return chosen.length;
  }

  /** Launches held rows while the global and per-endpoint caps allow. */
  #pump(): void {
    for (const [wid, queue] of this.#held) {
      while (
        queue.length > 0 && this.#sending < this.#o.globalConcurrency &&
        (this.#perEndpoint.get(wid) ?? 0) < this.#o.perEndpointConcurrency
      ) {
        this.#heldCount--;
        this.#launch(queue.shift()!);
      }
      if (queue.length === 0) this.#held.delete(wid);
    }
  }

  #launch(d: Held): void {
    this.#perEndpoint.set(d.webhookId, (this.#perEndpoint.get(d.webhookId) ?? 0) + 1);
    this.#sending++;
    let released = false;
    // The slots are freed once the HTTP exchange ends; recording is group-committed after.
    const release = () => {
      if (released) return;
      released = true;
      this.#sending--;
      const left = (this.#perEndpoint.get(d.webhookId) ?? 1) - 1;
      if (left > 0) this.#perEndpoint.set(d.webhookId, left);
      else this.#perEndpoint.delete(d.webhookId);
      if (this.#running) this.#pump();
    };
    const task = (async () => {
      const outcome = await runAttempt(d, () => this.#secretsFor(d.webhookId, d.stamp), {
        guard: this.#o.guard,
        schedule: this.#o.schedule,
        caCerts: this.#o.caCerts,
      });
      release();
      await this.#outcomes.record(outcome.statements);
      for (const w of this.#waiters.get(d.id) ?? []) w(outcome.attempt);
      if (outcome.status === "failed" && d.eventType !== "webhook.test") {
        await disableIfFailing(this.#store, d.webhookId, outcome.verdict === "gone", this.#o);
      }
    })().catch((error) => {
      if (this.#running) this.#o.log(`webhooks: delivery ${d.id}: ${(error as Error).message}`);
    }).finally(() => {
      release();
      this.#inflight.delete(task);
      this.wake();
    });
    this.#inflight.add(task);
  }

  #secretsFor(webhookId: string, stamp: string): Promise<string[]> {
    const hit = this.#secrets.get(webhookId);
    if (hit && hit.stamp === stamp && Date.now() - hit.at < 60_000) return hit.value;
    const value = signingSecrets(this.#store, this.#o.key, webhookId);
    this.#secrets.set(webhookId, { stamp, at: Date.now(), value });
    value.catch(() => this.#secrets.delete(webhookId));
    return value;
  }
}
