/** Who follows the plugins' records: told right after a change of one is committed. */

/**
 * Listeners of committed changes of plugin records (enabled, disabled, failed, updated,
 * uninstalled). Runtime states come before or after such a write (a disable stops the process
 * first), so a cache of what the records say (the task processors) must follow these instead.
 *
 * @example
 * ```ts
 * const records = new RecordWatch();
 * records.watch((id) => console.log(`${id} changed`));
 * records.changed("acme-x");
 * ```
 */
export class RecordWatch {
  #listeners: ((id: string) => void)[] = [];

  /** Adds a listener of every committed change. */
  watch(listener: (id: string) => void): void {
    this.#listeners.push(listener);
  }

  /** A change of `id`'s record was committed: tells every listener (a failure is its own). */
  changed(id: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(id);
      } catch { /* a listener's failure is its own */ }
    }
  }
}
