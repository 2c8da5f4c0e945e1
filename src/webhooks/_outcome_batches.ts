/**
 * Group commit of delivery outcomes: outcomes that finish while a batch is being written go into
 * the next one, and each batch shares the store's commit with the intake's.
 *
 * @module
 */
import type { Store } from "../store/mod.ts";
import { type AttemptOutcome, withoutRepeatedResets } from "./_attempt.ts";

/**
 * How long an outcome batch may wait to ride along with the next sharing commit (the intake's):
 * without it, outcome and intake commits alternate under load and each event waits for two
 * fsyncs. An outcome lost in this window to a crash means the delivery is made again.
 */
const OUTCOME_LINGER_MS = 20;

interface Pending {
  statements: AttemptOutcome["statements"];
  done: PromiseWithResolvers<void>;
}

/** Writes attempt outcomes in batches; one per relay. */
export class OutcomeBatches {
  #store: Store;
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Queues one outcome's statements; resolves once they are committed. Each batch shares the
   * store's commit with the intake's, lingering up to `OUTCOME_LINGER_MS` for it (outcome rows
   * read nothing: the attempt's INSERT checks its delivery still exists at commit time). An
   * endpoint's failure count reset by several of a batch's deliveries is written once.
   */
  record(statements: AttemptOutcome["statements"]): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#queue.push({ statements, done });
    this.#flushing ??= (async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        try {
          await this.#store.write(
            () => ({ statements: withoutRepeatedResets(batch.flatMap((p) => p.statements)) }),
            { shareCommit: true, lingerMs: OUTCOME_LINGER_MS },
          );
          for (const p of batch) p.done.resolve();
        } catch (error) {
          for (const p of batch) p.done.reject(error);
        }
      }
      this.#flushing = null;
    })();
    return done.promise;
  }

  /** Resolves when the batch being written (if any) and those queued behind it are written. */
  async flushed(): Promise<void> {
    await this.#flushing;
  }
}
