/**
 * Group commit for task writes: items submitted while a commit is in flight wait and go together
 * in the next one, so a burst of submissions (or of finished attempts) costs one commit per batch
 * instead of one each. Each caller's promise settles once its item is committed. Batches share
 * their commit with the store's other sharing writes (the builders read only idempotency keys,
 * which nothing else writes).
 */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";

/** Builds one batch's statements (under the write lock, so it may read) and each item's answer. */
export type BatchBuilder<T, R> = (
  items: T[],
) => Promise<{ statements: InStatement[]; answers: R[] }>;

interface Waiting<T, R> {
  item: T;
  resolve: (answer: R) => void;
  reject: (error: unknown) => void;
}

/** See the module doc. */
export class GroupWriter<T, R> {
  #store: Store;
  #build: BatchBuilder<T, R>;
  #max: number;
  #queue: Waiting<T, R>[] = [];
  #running: Promise<void> | null = null;

  constructor(store: Store, build: BatchBuilder<T, R>, maxBatch = 500) {
    this.#store = store;
    this.#build = build;
    this.#max = maxBatch;
  }

  /** Queues `item`; resolves with its answer once its batch is committed. */
  submit(item: T): Promise<R> {
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#queue.push({ item, resolve, reject });
    this.#running ??= this.#drain().finally(() => this.#running = null);
    return promise;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#max);
      try {
        const answers = await this.#store.write(async () => {
          const built = await this.#build(batch.map((w) => w.item));
          return { statements: built.statements, value: built.answers };
        }, { shareCommit: true });
        batch.forEach((w, i) => w.resolve(answers[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  }
}
