/** Group commit: events arriving together are persisted in one atomic write batch. */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import {
  existingEventIds,
  insertEventStatements,
  insertPendingDeliveryStatements,
  storedEnvelope,
} from "./event_store.ts";
import type { CloudEvent, Subscriber } from "./types.ts";
import type { Context } from "../tracing/mod.ts";

/** An accepted event and the action subscribers its delivery rows were written for. */
export interface AcceptedEvent {
  event: CloudEvent;
  subscribers: Subscriber[];
  /** Length of the stored envelope (what the event costs in memory, roughly). */
  bytes: number;
  /** The intake span's context, which the event's deliveries are traced under. */
  trace?: Context;
}

/** Options of {@linkcode IntakeQueue}. */
export interface IntakeQueueOptions {
  /** Extra statements committed with each new event (the webhook outbox). @default none */
  outboxStatements?: (event: CloudEvent) => Promise<InStatement[]>;
  /**
   * Called once a batch is committed (visible; its log's sync may still run, and its emitters are
   * answered only after it), with the events that were new.
   */
  onCommitted: (accepted: AcceptedEvent[]) => void;
  /** Most events per batch. @default 2000 */
  maxBatch?: number;
}

/**
 * Yields one event-loop turn, so request handlers whose I/O became ready run (and submit) first.
 * A microtask is not enough: libSQL's commit runs synchronously and blocks the loop, so requests
 * that queued meanwhile reach submit() only in a later turn; setTimeout(0) costs ~1-2 ms. One
 * long-lived MessageChannel (a fresh one per call does not yield past I/O), closed after 1 s
 * idle so it never keeps a process alive. bench/ (issue 8): 3.0k -> ~13k events/s, 64 clients.
 * Only taken while emitters are concurrent (the last flush's batch held more than one event, or
 * more queued behind it): for a lone emitter, such as a sequential `?wait=true` client, the turn
 * only delays its commit (docs/performance.md, "The daemon path (issue 23, seventh round)").
 */
class TurnYield {
  #channel: MessageChannel | null = null;
  #waiters: (() => void)[] = [];
  #idle: ReturnType<typeof setTimeout> | undefined;

  next(): Promise<void> {
    clearTimeout(this.#idle);
    if (!this.#channel) {
      this.#channel = new MessageChannel();
      this.#channel.port1.onmessage = () => this.#waiters.shift()?.();
    }
    const port = this.#channel.port2;
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      port.postMessage(null);
    });
  }

  idle(): void {
    clearTimeout(this.#idle);
    const timer = setTimeout(() => {
      this.#channel?.port1.close();
      this.#channel?.port2.close();
      this.#channel = null;
    }, 1000);
    Deno.unrefTimer(timer);
    this.#idle = timer;
  }
}

interface Item {
  event: CloudEvent;
  subscribers: Subscriber[];
  done: PromiseWithResolvers<{ duplicate: boolean }>;
  trace?: Context;
  /** The daemon made the id (newEventId): it cannot name a stored event. */
  idGenerated: boolean;
  /** Items of one `submitMany` share this and always commit in the same batch. */
  group?: object;
}

/** One event of {@linkcode IntakeQueue.submitMany}. */
export interface IntakeItem {
  event: CloudEvent;
  subscribers: Subscriber[];
  trace?: Context;
  /** As `submit()`'s `idGenerated`. @default false */
  idGenerated?: boolean;
}

/**
 * Persists events before anyone is told they were accepted. While one batch commits, new
 * submissions queue up and go into the next batch, so one fsync covers many events.
 * Duplicate ids (already stored, or twice in one batch) are not stored again.
 */
export class IntakeQueue {
  #store: Store;
  #options: Required<Omit<IntakeQueueOptions, "outboxStatements">> & IntakeQueueOptions;
  #queue: Item[] = [];
  #flushing: Promise<void> | null = null;
  #turn = new TurnYield();
  /** Whether the last flush saw concurrent emitters (then the next one yields a turn first). */
  #concurrent = true;

  constructor(store: Store, options: IntakeQueueOptions) {
    const maxBatch = options.maxBatch ?? 2000;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`maxBatch must be a positive integer; got ${maxBatch}`);
    }
    this.#store = store;
    this.#options = { ...options, maxBatch };
  }

  /**
   * Resolves once the event is durably stored (or known to be a duplicate). `idGenerated`: the
   * daemon made the event's id just now, so no stored event has it and the lookup is skipped
   * (should one all the same, its primary key refuses the batch: never a silent duplicate).
   */
  submit(
    event: CloudEvent,
    subscribers: Subscriber[],
    trace?: Context,
    idGenerated = false,
  ): Promise<{ duplicate: boolean }> {
    const done = Promise.withResolvers<{ duplicate: boolean }>();
    this.#queue.push({ event, subscribers, done, trace, idGenerated });
    this.#flushing ??= this.#flush();
    return done.promise;
  }

  /**
   * Several events that are committed together, in one atomic batch (all stored or none):
   * a batched request's events. Resolves in their order, like `submit()` for each.
   */
  submitMany(items: IntakeItem[]): Promise<{ duplicate: boolean }[]> {
    const group = {};
    const out = items.map((i) => {
      const done = Promise.withResolvers<{ duplicate: boolean }>();
      this.#queue.push({ ...i, idGenerated: i.idGenerated === true, done, group });
      return done.promise;
    });
    this.#flushing ??= this.#flush();
    return Promise.all(out);
  }

  /** Waits until everything submitted so far is committed. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      // Let requests that arrived in the same tick join the first batch (see TurnYield), when
      // emitters are concurrent: one alone (a sequential `?wait=true` client) would only wait.
      let yielded = this.#concurrent;
      if (yielded) await this.#turn.next();
      let batch = this.#next();
      let outcome = batch.length > 0 ? this.#settled(batch) : null;
      while (batch.length > 0) {
        const done = batch;
        const result = (await outcome)!;
        // The next batch's commit starts before this one's emitters are answered: answering
        // them (their HTTP responses) takes a turn of the event loop, and a commit built in
        // the microtasks between theirs would start only after all of them (docs/architecture.md).
        batch = this.#next();
        if (batch.length > 0) {
          outcome = this.#settled(batch);
          yielded = true;
          await this.#turn.next();
        }
        for (const item of done) {
          if ("fresh" in result) item.done.resolve({ duplicate: !result.fresh.has(item) });
          else item.done.reject(result.error);
        }
      }
      if (yielded) this.#turn.idle();
    } finally {
      // Cleared in the same turn as the last emptiness check, so a submit() that comes after it
      // starts a new flush. It used to be cleared in a `.finally()` a few microtasks later: a
      // submit() in between (the continuation of the previous event's caller) found a flush
      // "running" that would never look again, and waited for the next, unrelated submit
      // (issue 22, finding 10: disables stuck for minutes until another request came).
      this.#flushing = null;
    }
  }

  /**
   * Takes the next batch off the queue (empty when none waits). More than one event in it, or a
   * batch after it: emitters are concurrent (the next flush yields a turn first).
   */
  #next(): Item[] {
    if (this.#queue.length === 0) return [];
    const batch = this.#queue.splice(0, this.#cut());
    this.#concurrent = batch.length > 1;
    return batch;
  }

  /** Commits `batch` (started now); never rejects: the outcome says how it went. */
  #settled(batch: Item[]): Promise<{ fresh: Map<Item, number> } | { error: unknown }> {
    return this.#commit(batch).then((fresh) => ({ fresh }), (error) => ({ error }));
  }

  /** How many queued items the next batch takes: `maxBatch`, but never half a group. */
  #cut(): number {
    let n = Math.min(this.#options.maxBatch, this.#queue.length);
    const group = this.#queue[n - 1]?.group;
    while (group && n < this.#queue.length && this.#queue[n]!.group === group) n++;
    return n;
  }

  /** Hands the new events of a committed batch to `onCommitted`. */
  #committed(batch: Item[], fresh: Map<Item, number>): void {
    const accepted = batch.flatMap((i) => {
      const bytes = fresh.get(i);
      return bytes === undefined
        ? []
        : [{ event: i.event, subscribers: i.subscribers, bytes, trace: i.trace }];
    });
    if (accepted.length > 0) this.#options.onCommitted(accepted);
  }

  /** Commits the new events of `batch`; returns each new one with its envelope's length. */
  async #commit(batch: Item[]): Promise<Map<Item, number>> {
    return await this.#store.write(async () => {
      const named = batch.filter((i) => !i.idGenerated).map((i) => i.event.id);
      const existing = named.length > 0
        ? await existingEventIds(this.#store, named)
        : new Set<string>();
      const fresh = new Map<Item, number>();
      const seen = new Set<string>();
      const envelopes: string[] = [];
      for (const item of batch) {
        if (existing.has(item.event.id) || seen.has(item.event.id)) continue;
        seen.add(item.event.id);
        const envelope = storedEnvelope(item.event);
        envelopes.push(envelope);
        fresh.set(item, envelope.length);
      }
      const now = Date.now();
      const events = [...fresh.keys()].map((i) => i.event);
      const statements = insertEventStatements(events, now, envelopes);
      statements.push(...insertPendingDeliveryStatements(
        [...fresh.keys()].flatMap((i) =>
          i.subscribers.map((s) => ({ eventId: i.event.id, pluginId: s.pluginId, hook: s.hook }))
        ),
        now,
      ));
      if (this.#options.outboxStatements) {
        // All at once: one await per event would put the commit a few microtasks further back
        // each, behind whatever else runs meanwhile (the previous batch's answers).
        const outbox = await Promise.all(events.map((e) => this.#options.outboxStatements!(e)));
        for (const rows of outbox) statements.push(...rows);
      }
      // Delivery starts once the rows are committed, while the log's sync may still run: a crash
      // keeps what was committed, and the emitters are answered only after the sync.
      return { statements, value: fresh, afterWrite: () => this.#committed(batch, fresh) };
      // Shares its commit: it reads only which ids are stored, and only intake stores events.
    }, { shareCommit: true });
  }
}
