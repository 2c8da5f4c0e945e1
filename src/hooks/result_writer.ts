/** Batched writes of delivery outcomes: many results, one write batch. */
import type { Store } from "../store/mod.ts";
import { deliveryKey } from "./delivery_lane.ts";
import { type DeliveryRow, upsertDeliveryStatements } from "./event_store.ts";

/** Rows per write batch: bounds how long one commit takes. */
const BATCH_ROWS = 2000;

/**
 * How long outcomes wait to ride along with the next commit (usually the intake's) before they
 * are committed on their own: readers see them at once through `unwritten()`, and an outcome lost
 * to a crash in this window only means the delivery is made again (at least once).
 */
const LINGER_MS = 20;

function key(r: Pick<DeliveryRow, "eventId" | "pluginId" | "hook">): string {
  return deliveryKey(r.eventId, r.pluginId, r.hook);
}

/**
 * Queues delivery outcomes and writes them in batches. Rows not yet written are visible through
 * `unwritten(eventId)` and `queued(key)`, so a reader sees an outcome as soon as it is known.
 */
export class ResultWriter {
  #store: Store;
  #log: (message: string) => void;
  #queue = new Map<string, DeliveryRow>();
  #flushing: Promise<void> | null = null;

  constructor(store: Store, log: (message: string) => void) {
    this.#store = store;
    this.#log = log;
  }

  /** Queues `row` (replacing an older queued state of the same delivery); `k`: its key, if made. */
  record(row: DeliveryRow, k: string = key(row)): void {
    this.#queue.delete(k);
    this.#queue.set(k, row);
    this.#flushing ??= this.#flush();
  }

  /** Outcomes of `eventId` that are queued but not yet written. */
  unwritten(eventId: string): DeliveryRow[] {
    return [...this.#queue.values()].filter((r) => r.eventId === eventId);
  }

  /** The queued (not yet written) state of one delivery, if any. */
  queued(deliveryKey: string): DeliveryRow | undefined {
    return this.#queue.get(deliveryKey);
  }

  /** Waits until every queued row is written. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      await Promise.resolve();
      while (this.#queue.size > 0) {
        const rows: DeliveryRow[] = [];
        const keys: string[] = [];
        for (const [k, row] of this.#queue) {
          rows.push(row);
          keys.push(k);
          if (rows.length === BATCH_ROWS) break;
        }
        try {
          await this.#store.write(() => ({
            statements: upsertDeliveryStatements(rows, Date.now()),
          }), { shareCommit: true, lingerMs: LINGER_MS });
        } catch (error) {
          // The rows stay pending in the database; the dispatcher's sweep delivers them again.
          this.#log(
            `could not record ${rows.length} delivery results: ${(error as Error).message}`,
          );
        }
        for (let i = 0; i < keys.length; i++) {
          if (this.#queue.get(keys[i]!) === rows[i]) this.#queue.delete(keys[i]!);
        }
      }
    } finally {
      // Cleared in the same turn as the last emptiness check: a record() after it starts a new
      // flush. (Clearing it in a later `.finally()` lost wake-ups: issue 22, finding 10.)
      this.#flushing = null;
    }
  }
}
