/**
 * A task type's queued tasks as this daemon knows them, in claim order (highest priority, then
 * oldest first), so that a claim takes them from memory instead of reading them back from the
 * table. The list is trusted only while it is complete: from a claim that found the type's due
 * queue empty (with no queued insert in flight meanwhile and no delayed task possible) on, every
 * committed queued insert is added here and every claim or cancel takes its tasks out. Anything
 * else that queues a task (a retry, a released claim) or too large a backlog makes it incomplete
 * again, and claims read the table until one finds the queue empty once more. The write lock
 * orders it: claims and cancels change it only in their builders (see task_store.ts).
 */

/** A queued task as a claim needs it. */
export interface KnownTask {
  id: string;
  tenant: string | null;
  /** As stored (JSON). */
  input: string;
  priority: number;
  createdAt: number;
}

/** Most tasks kept; past this the list is dropped and claims read the table. */
export const MAX_KNOWN_TASKS = 10_000;
/** Most input characters kept (inputs may be 256 KiB each). */
export const MAX_KNOWN_INPUT = 16 * 1024 * 1024;

/** See the module doc. */
export class KnownQueue {
  #tasks: KnownTask[] = [];
  #head = 0;
  #chars = 0;
  #complete = false;

  /** Whether the list holds every queued, due task of the type. */
  get complete(): boolean {
    return this.#complete;
  }

  /** How many tasks it holds. */
  get size(): number {
    return this.#tasks.length - this.#head;
  }

  /** The table's due queue was found empty (see the module doc): the list is complete. */
  markComplete(): void {
    this.#complete = true;
  }

  /** Forgets every task: the table is the only truth until {@linkcode markComplete}. */
  drop(): void {
    this.#tasks = [];
    this.#head = 0;
    this.#chars = 0;
    this.#complete = false;
  }

  /** A queued insert committed: kept in claim order while the list is complete. */
  add(task: KnownTask): void {
    if (!this.#complete) return;
    if (this.size >= MAX_KNOWN_TASKS || this.#chars + task.input.length > MAX_KNOWN_INPUT) {
      return this.drop();
    }
    let i = this.#tasks.length;
    while (i > this.#head && before(task, this.#tasks[i - 1]!)) i--;
    if (i === this.#tasks.length) this.#tasks.push(task);
    else this.#tasks.splice(i, 0, task);
    this.#chars += task.input.length;
  }

  /** Takes up to `n` tasks, first in claim order. */
  take(n: number): KnownTask[] {
    const taken = this.#tasks.slice(this.#head, this.#head + n);
    this.#head += taken.length;
    for (const t of taken) this.#chars -= t.input.length;
    if (this.#head > 1024 && this.#head * 2 > this.#tasks.length) {
      this.#tasks = this.#tasks.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  /** Takes the task `id` out (it was cancelled); answers whether it was here. */
  remove(id: string): boolean {
    const i = this.#tasks.findIndex((t, k) => k >= this.#head && t.id === id);
    if (i < 0) return false;
    this.#chars -= this.#tasks[i]!.input.length;
    this.#tasks.splice(i, 1);
    return true;
  }
}

/** Whether `a` is claimed before `b`: higher priority first, then older (ties: insert order). */
function before(a: KnownTask, b: KnownTask): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.createdAt < b.createdAt);
}
