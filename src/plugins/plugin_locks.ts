/** One lifecycle change at a time per plugin (install, grant, enable, update, config, remove). */

/**
 * A mutex per plugin id. Two requests that change the same plugin run one after the other, so
 * each sees the other's result (a second install of one plugin is refused, two config changes
 * do not both restart it at once); changes to different plugins run in parallel.
 *
 * @example
 * ```ts
 * const locks = new PluginLocks();
 * await locks.run("hello", async () => {});
 * ```
 */
export class PluginLocks {
  #tails = new Map<string, Promise<unknown>>();
  #opened = Promise.withResolvers<void>();

  /**
   * With `closed`, nothing runs until {@linkcode open} (the daemon opens its locks once the
   * changes a crash interrupted are settled, so no request sees them half-done).
   */
  constructor(options: { closed?: boolean } = {}) {
    if (!options.closed) this.#opened.resolve();
  }

  /** Lets the work waiting since construction (and all later work) run. */
  open(): void {
    this.#opened.resolve();
  }

  /** Runs `work` once every earlier `run` for `id` has settled. */
  run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id) ?? this.#opened.promise;
    const next = previous.then(work, work);
    const tail = next.catch(() => {});
    this.#tails.set(id, tail);
    tail.then(() => {
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
    return next;
  }
}

/** Runs `work` under `locks` for `id` when there are locks (the daemon), else at once. */
export function withPluginLock<T>(
  locks: PluginLocks | undefined,
  id: string,
  work: () => Promise<T>,
): Promise<T> {
  return locks ? locks.run(id, work) : work();
}
