/**
 * Fleet events: a CloudEvent with `scope: fleet` is stored in this host's outbox (libSQL) before
 * it is acknowledged, published to the fleet's JetStream stream (the event id as the message id,
 * so a re-publish after a crash is dropped as a duplicate), and taken by a durable consumer per
 * host, which feeds it into the host's own durable intake before acknowledging it. At least once
 * per host; the intake drops an id it already has, so each host records an event once. A host
 * that was down gets what it missed from its consumer when it returns.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  jetstream,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
  RetentionPolicy,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Store } from "../store/mod.ts";
import type { FleetNames } from "./names.ts";
import { FleetEventRefused } from "./errors.ts";

/** What the fleet's event channel needs from the daemon. */
export interface FleetEventDeps {
  store: Store;
  names: FleetNames;
  hostId: string;
  replicas: number;
  /** Feeds an event into this host's durable intake; resolves once it is stored. */
  intake: (event: Record<string, unknown>) => Promise<void>;
  log: (message: string) => void;
  /** Counts published and delivered events for /metrics. */
  count?: (what: "published" | "delivered" | "refused") => void;
}

const NS_PER_MS = 1_000_000;
/** How long the stream keeps events for hosts that are away. */
const MAX_AGE_MS = 7 * 24 * 3600_000;
/** Window in which JetStream drops a re-published event id. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** How long a host has to store an event before JetStream gives it again. */
const ACK_WAIT_MS = 30_000;
const OUTBOX_BATCH = 256;
/** Fleet events a host takes into its intake at once. */
const MAX_IN_FLIGHT = 256;

/** The outbox publisher and this host's consumer of the fleet event stream. */
export class FleetEvents {
  #d: FleetEventDeps;
  #nc: NatsConnection | null = null;
  #messages: ConsumerMessages | null = null;
  #wake: (() => void) | null = null;
  #flushing: Promise<void> | null = null;
  #pending = false;
  #accepting: { event: Record<string, unknown>; done: PromiseWithResolvers<void> }[] = [];
  #committing: Promise<void> | null = null;

  constructor(deps: FleetEventDeps) {
    this.#d = deps;
  }

  /** The subject of an event type. */
  subject(type: string): string {
    return `${this.#d.names.eventSubject}.${type}`;
  }

  /**
   * Stores `event` for publishing (durable before this resolves) and kicks the publisher.
   * Concurrent calls share one transaction (group commit).
   */
  publish(event: Record<string, unknown>): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#accepting.push({ event, done });
    this.#committing ??= this.#commit().finally(() => (this.#committing = null));
    return done.promise;
  }

  async #commit(): Promise<void> {
    while (this.#accepting.length > 0) {
      const batch = this.#accepting.splice(0, OUTBOX_BATCH);
      const now = new Date().toISOString();
      try {
        await this.#d.store.write(() => ({
          statements: batch.map(({ event }) => ({
            sql: "INSERT INTO fleet_outbox (event_id, event, created_at) VALUES (?, ?, ?) " +
              "ON CONFLICT (event_id) DO NOTHING",
            args: [String(event.id), JSON.stringify(event), now],
          })),
        }));
        for (const item of batch) item.done.resolve();
      } catch (error) {
        for (const item of batch) item.done.reject(error);
      }
      this.#kick();
    }
  }

  /** Events waiting in the outbox (NATS unreachable, or not yet published). */
  async backlog(): Promise<number> {
    const rs = await this.#d.store.execute("SELECT count(*) AS n FROM fleet_outbox");
    return Number(rs.rows[0]?.n ?? 0);
  }

  /** (Re)attaches to a live connection: the stream, this host's consumer, the outbox. */
  async attach(nc: NatsConnection): Promise<void> {
    this.detach();
    this.#nc = nc;
    const jsm = await jetstreamManager(nc);
    await this.#ensureStream(jsm);
    await this.#ensureConsumer(jsm);
    if (this.#nc !== nc) return;
    const consumer = await jetstream(nc).consumers.get(
      this.#d.names.eventStream,
      this.#d.names.eventConsumer(this.#d.hostId),
    );
    const messages = await consumer.consume({ max_messages: 256 });
    this.#messages = messages;
    void this.#consume(messages);
    this.#kick();
  }

  /** Stops consuming and publishing (NATS went away, or the daemon stops). */
  detach(): void {
    this.#nc = null;
    this.#messages?.stop();
    this.#messages = null;
    this.#wake?.();
  }

  /** Resolves when the publisher is idle (shutdown). */
  async idle(): Promise<void> {
    await this.#flushing;
  }

  async #ensureStream(jsm: JetStreamManager): Promise<void> {
    const name = this.#d.names.eventStream;
    const exists = await jsm.streams.info(name).then(() => true, () => false);
    if (exists) return;
    await jsm.streams.add({
      name,
      subjects: [`${this.#d.names.eventSubject}.>`],
      retention: RetentionPolicy.Limits,
      max_age: MAX_AGE_MS * NS_PER_MS,
      duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS,
      num_replicas: this.#d.replicas,
    }).catch(async (error) => {
      // Another host created it at the same moment.
      if (!(await jsm.streams.info(name).then(() => true, () => false))) throw error;
    });
  }

  async #ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const stream = this.#d.names.eventStream;
    const durable = this.#d.names.eventConsumer(this.#d.hostId);
    const exists = await jsm.consumers.info(stream, durable).then(() => true, () => false);
    if (exists) return;
    // A new member receives events from the moment it joined; afterwards its durable consumer
    // remembers where it was, across restarts and outages.
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: ACK_WAIT_MS * NS_PER_MS,
      max_ack_pending: 1000,
    });
  }

  async #consume(messages: ConsumerMessages): Promise<void> {
    // Up to MAX_IN_FLIGHT events are taken at once, so the intake's group commit batches them.
    const inFlight = new Set<Promise<void>>();
    try {
      for await (const m of messages) {
        const p = this.#take(m).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      }
    } catch (error) {
      if (this.#messages === messages) {
        this.#d.log(`fleet: event consumer ended: ${(error as Error).message}`);
      }
    }
    await Promise.allSettled(inFlight);
  }

  /** Feeds one message into the intake and acknowledges it once stored. */
  async #take(m: JsMsg): Promise<void> {
    let event: unknown;
    try {
      event = m.json();
    } catch {
      event = null;
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      this.#d.log(`fleet: dropped a fleet event that is not a JSON object (seq ${m.seq})`);
      this.#d.count?.("refused");
      m.term();
      return;
    }
    try {
      await this.#d.intake(event as Record<string, unknown>);
      m.ack();
      this.#d.count?.("delivered");
    } catch (error) {
      if (error instanceof FleetEventRefused) {
        const id = String((event as { id?: unknown }).id);
        this.#d.log(`fleet: refused fleet event ${id}: ${error.message}`);
        this.#d.count?.("refused");
        m.term();
      } else {
        // Not stored (e.g. disk full): JetStream gives it again after a second.
        m.nak(1000);
      }
    }
  }

  #kick(): void {
    this.#pending = true;
    this.#wake?.();
    this.#flushing ??= this.#flush().finally(() => (this.#flushing = null));
  }

  async #flush(): Promise<void> {
    while (this.#nc) {
      if (!this.#pending) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = null;
        continue;
      }
      this.#pending = false;
      const nc = this.#nc;
      const rs = await this.#d.store.execute(
        `SELECT seq, event_id, event, created_at FROM fleet_outbox ORDER BY seq LIMIT ${OUTBOX_BATCH}`,
      );
      if (rs.rows.length === 0) continue;
      const js = jetstream(nc);
      try {
        await Promise.all(rs.rows.map((r) => {
          const event = JSON.parse(String(r.event)) as { type: string };
          return js.publish(this.subject(event.type), String(r.event), {
            msgID: String(r.event_id),
          });
        }));
      } catch (error) {
        this.#d.log(
          `fleet: publishing fleet events failed (${(error as Error).message}); ` +
            "they stay in the outbox",
        );
        this.#pending = true;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const last = Number(rs.rows.at(-1)!.seq);
      await this.#d.store.write(() => ({
        statements: [{ sql: "DELETE FROM fleet_outbox WHERE seq <= ?", args: [last] }],
      }));
      for (let i = 0; i < rs.rows.length; i++) this.#d.count?.("published");
      this.#pending = true; // there may be more
    }
  }
}

export { FleetEventRefused };
