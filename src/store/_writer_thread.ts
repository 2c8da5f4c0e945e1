/** The main-thread side of `writer_worker.ts`: batches out, commit times or errors back. */
import type { InStatement } from "@libsql/client";

interface WireError {
  name: string;
  message: string;
  code?: string;
}

type Outbound =
  | { kind: "opened" }
  | { kind: "failed"; error: WireError }
  | { kind: "done"; id: number; ms: number }
  | { kind: "error"; id: number; error: WireError }
  | { kind: "closed" };

/** An error from the writer thread, with libSQL's `code` (e.g. `SQLITE_FULL`) kept. */
export class WriterError extends Error {
  readonly code?: string;
  constructor(error: WireError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

const WORKER = new URL("./writer_worker.ts", import.meta.url);

/** Options of {@linkcode WriterThread.start}. */
export interface WriterThreadOptions {
  /**
   * Start the thread at the first batch or checkpoint instead of now (its V8 isolate and libSQL
   * are ~16 MiB of the daemon's memory). @default false
   */
  lazy?: boolean;
  /**
   * End the thread once it has had nothing to do for this long (ms); the next batch or checkpoint
   * starts a new one. @default undefined: it runs until {@linkcode WriterThread.close}
   */
  idleMs?: number;
}

/**
 * A writer thread. One batch at a time is the caller's rule (the store's write queue); should
 * the thread die, the batches it had fail and the next batch starts a new one. With `idleMs`, a
 * thread that has been idle that long is closed (its batches all answered) and the next batch
 * starts a new one, which reopens the connection with the same pragmas: messages are still
 * handled one at a time and in order, since a new thread starts only once the old one closed.
 */
export class WriterThread {
  #open: { url: string; authToken?: string; pragmas: string[] };
  #idleMs: number | null;
  #worker: Worker | null = null;
  #pending = new Map<number, PromiseWithResolvers<number>>();
  #next = 1;
  #opening: Promise<void> | null = null;
  #closed: PromiseWithResolvers<void> | null = null;
  #retiring: Promise<void> | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** Threads started so far (for tests and the docs' figures). */
  starts = 0;

  private constructor(
    open: { url: string; authToken?: string; pragmas: string[] },
    idleMs: number | null,
  ) {
    this.#open = open;
    this.#idleMs = idleMs;
  }

  /** Starts the thread and opens its connection (with `pragmas` applied), unless `lazy`. */
  static async start(
    open: { url: string; authToken?: string; pragmas: string[] },
    options: WriterThreadOptions = {},
  ): Promise<WriterThread> {
    const { lazy = false, idleMs } = options;
    if (idleMs !== undefined && !(idleMs > 0)) {
      throw new RangeError(`idleMs must be > 0; got ${idleMs}`);
    }
    const thread = new WriterThread(open, idleMs ?? null);
    if (!lazy) await thread.#ensure();
    return thread;
  }

  /** Whether a thread is running now. */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Commits `statements` atomically; resolves with the commit's duration in ms. */
  batch(statements: InStatement[]): Promise<number> {
    return this.#send({ kind: "batch", statements });
  }

  /** Checkpoints the database file's log (see `_in_thread_writer.ts`); resolves when done. */
  async checkpoint(): Promise<void> {
    await this.#send({ kind: "checkpoint" });
  }

  /** Closes the connection and ends the thread (after the batches in progress, if any). */
  async close(): Promise<void> {
    this.#idleMs = null;
    this.#disarm();
    await this.#retiring;
    // Batches already asked for are answered first (bounded: close never hangs).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, 2000));
    const answered = Promise.allSettled([...this.#pending.values()].map((d) => d.promise));
    await Promise.race([answered, late]).finally(() => clearTimeout(timer));
    await this.#end();
  }

  async #send(
    message: { kind: "batch"; statements: InStatement[] } | { kind: "checkpoint" },
  ): Promise<number> {
    this.#disarm();
    // Pending from now on, so the idle timer cannot end a thread this request is about to use.
    const id = this.#next++;
    const done = Promise.withResolvers<number>();
    this.#pending.set(id, done);
    try {
      await this.#ensure();
      if (this.#worker === null) throw new Error("the store's writer thread stopped: closed");
    } catch (error) {
      done.promise.catch(() => {}); // #died may have rejected it already: the error is this one
      this.#pending.delete(id);
      throw error;
    }
    this.#worker.postMessage({ ...message, id });
    return await done.promise;
  }

  async #ensure(): Promise<void> {
    // A thread ending (idle) finishes first: its connection is closed before a new one opens.
    while (this.#retiring) await this.#retiring;
    if (this.#worker) {
      await this.#opening;
      return;
    }
    const opened = Promise.withResolvers<void>();
    const worker = new Worker(WORKER, { type: "module" });
    this.starts++;
    worker.onmessage = (event: MessageEvent<Outbound>) => this.#receive(event.data, opened);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#died(`${event.message}`);
      opened.reject(new Error(`the store's writer thread failed to start: ${event.message}`));
    };
    worker.postMessage({ kind: "open", ...this.#open });
    this.#worker = worker;
    this.#opening = opened.promise.finally(() => this.#opening = null);
    return await this.#opening;
  }

  /** Ends the thread: asks it to close its connection, waits (bounded), then terminates it. */
  async #end(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#closed = Promise.withResolvers<void>();
    worker.postMessage({ kind: "close" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, 2000));
    await Promise.race([this.#closed.promise, late]).finally(() => clearTimeout(timer));
    worker.terminate();
    if (this.#worker === worker) this.#worker = null;
  }

  #arm(): void {
    if (this.#idleMs === null || this.#pending.size > 0 || this.#worker === null) return;
    this.#disarm();
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#pending.size > 0 || this.#opening !== null || this.#retiring !== null) return;
      this.#retiring = this.#end().finally(() => this.#retiring = null);
    }, this.#idleMs);
    Deno.unrefTimer(this.#idleTimer);
  }

  #disarm(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #receive(message: Outbound, opened: PromiseWithResolvers<void>): void {
    switch (message.kind) {
      case "opened":
        opened.resolve();
        return this.#arm();
      case "failed":
        this.#worker?.terminate();
        this.#worker = null;
        return opened.reject(new WriterError(message.error));
      case "done":
        this.#pending.get(message.id)?.resolve(message.ms);
        this.#pending.delete(message.id);
        return this.#arm();
      case "error":
        this.#pending.get(message.id)?.reject(new WriterError(message.error));
        this.#pending.delete(message.id);
        return this.#arm();
      case "closed":
        this.#closed?.resolve();
    }
  }

  #died(reason: string): void {
    this.#disarm();
    this.#worker?.terminate();
    this.#worker = null;
    for (const done of this.#pending.values()) {
      done.reject(new Error(`the store's writer thread stopped: ${reason}`));
    }
    this.#pending.clear();
  }
}
