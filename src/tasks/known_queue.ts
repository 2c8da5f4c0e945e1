/**
 * A task type's queued tasks as this daemon knows them, in claim order (highest priority, then
 * oldest first), so that a claim takes them from memory instead of reading them back from the
 * table. The list is trusted only while it is complete. It becomes complete when a claim that read
 * the table found fewer due tasks than it asked for (and no delayed task could wait): then the
 * tasks inserted since that claim began and not taken by it are added, and from then on every
 * committed queued insert is added (but one that claim already took), every claim and cancel takes
 * its tasks out. A retry, a released claim, a failed claim or cancel, or too large a backlog drop
 * it, and claims read the table until one finds it empty again. Claims and cancels change it only
 * under the store's write lock (in their builders), and an insert adds its task as soon as its
 * commit resolves (in the same chain of microtasks, before any other request can see the task).
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
  // Inserts in flight; while a claim reads the table, the tasks committed since it began; after a
  // claim made the list complete, the ids it took (skipped when their insert ends after it).
  #inserting = 0;
  #since: Map<string, KnownTask> | null = null;
  #taken = new Set<string>();
  readonly #soleWriter: boolean;

  /**
   * `soleWriter`: only this daemon writes the tasks table (a database file of its own). On a
   * database other hosts share, their inserts never pass here, so the list is never complete and
   * every claim reads the table.
   */
  constructor(soleWriter = true) {
    this.#soleWriter = soleWriter;
  }

  /** Whether the list holds every queued, due task of the type. */
  get complete(): boolean {
    return this.#complete;
  }

  /** How many tasks it holds. */
  get size(): number {
    return this.#tasks.length - this.#head;
  }

  /** A queued insert begins (call {@linkcode inserted} once it ends). */
  inserting(): void {
    this.#inserting++;
  }

  /** The insert announced by {@linkcode inserting} ended: with its task once committed (not a duplicate). */
  inserted(task: KnownTask | null): void {
    this.#inserting--;
    if (task) {
      if (!this.#complete) this.#since?.set(task.id, task);
      else if (!this.#taken.has(task.id)) this.add(task);
    }
    if (this.#inserting === 0) this.#taken.clear();
  }

  /** A claim is about to read the table (the list is not complete). */
  claimBegins(): void {
    this.#since = new Map();
  }

  /**
   * The claim that began with {@linkcode claimBegins} ended: `taken` the ids it took when it read
   * fewer due tasks than it asked for and no delayed task can wait (the list is complete from now
   * on), else null.
   */
  claimEnds(taken: string[] | null): void {
    const since = this.#since;
    this.#since = null;
    if (!since || !taken || !this.#soleWriter) return;
    this.#complete = true;
    // Added to, not replaced: ids an earlier completion took may still have their inserts to end.
    for (const id of taken) this.#taken.add(id);
    for (const task of since.values()) if (!this.#taken.has(task.id)) this.add(task);
    if (this.#inserting === 0) this.#taken.clear();
  }

  /** Forgets every task: the table is the only truth until a claim completes the list again. */
  drop(): void {
    this.#tasks = [];
    this.#head = 0;
    this.#chars = 0;
    this.#complete = false;
    this.#since = null;
  }

  /** Keeps `task` in claim order (only while complete: a dropped list stays empty). */
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
    this.#since?.delete(id);
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
