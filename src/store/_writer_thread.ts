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

/**
 * A writer thread. One batch at a time is the caller's rule (the store's write queue); should
 * the thread die, the batches it had fail and the next batch starts a new one.
 */
export class WriterThread {
  #open: { url: string; authToken?: string; pragmas: string[] };
  #worker: Worker | null = null;
  #pending = new Map<number, PromiseWithResolvers<number>>();
  #next = 1;
  #opening: Promise<void> | null = null;
  #closed: PromiseWithResolvers<void> | null = null;

  private constructor(open: { url: string; authToken?: string; pragmas: string[] }) {
    this.#open = open;
  }

  /** Starts the thread and opens its connection (with `pragmas` applied). */
  static async start(
    open: { url: string; authToken?: string; pragmas: string[] },
  ): Promise<WriterThread> {
    const thread = new WriterThread(open);
    await thread.#ensure();
    return thread;
  }

  /** Commits `statements` atomically; resolves with the commit's duration in ms. */
  async batch(statements: InStatement[]): Promise<number> {
    await this.#ensure();
    const id = this.#next++;
    const done = Promise.withResolvers<number>();
    this.#pending.set(id, done);
    this.#worker!.postMessage({ kind: "batch", id, statements });
    return await done.promise;
  }

  /** Checkpoints the database file's log (see `_in_thread_writer.ts`); resolves when done. */
  async checkpoint(): Promise<void> {
    await this.#ensure();
    const id = this.#next++;
    const done = Promise.withResolvers<number>();
    this.#pending.set(id, done);
    this.#worker!.postMessage({ kind: "checkpoint", id });
    await done.promise;
  }

  /** Closes the connection and ends the thread (after the batch in progress, if any). */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#closed = Promise.withResolvers<void>();
    worker.postMessage({ kind: "close" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, 2000));
    await Promise.race([this.#closed.promise, late]).finally(() => clearTimeout(timer));
    worker.terminate();
    this.#worker = null;
  }

  #ensure(): Promise<void> {
    if (this.#worker) return this.#opening ?? Promise.resolve();
    const opened = Promise.withResolvers<void>();
    const worker = new Worker(WORKER, { type: "module" });
    worker.onmessage = (event: MessageEvent<Outbound>) => this.#receive(event.data, opened);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#died(`${event.message}`);
      opened.reject(new Error(`the store's writer thread failed to start: ${event.message}`));
    };
    worker.postMessage({ kind: "open", ...this.#open });
    this.#worker = worker;
    this.#opening = opened.promise.finally(() => this.#opening = null);
    return this.#opening;
  }

  #receive(message: Outbound, opened: PromiseWithResolvers<void>): void {
    switch (message.kind) {
      case "opened":
        return opened.resolve();
      case "failed":
        this.#worker?.terminate();
        this.#worker = null;
        return opened.reject(new WriterError(message.error));
      case "done":
        this.#pending.get(message.id)?.resolve(message.ms);
        this.#pending.delete(message.id);
        return;
      case "error":
        this.#pending.get(message.id)?.reject(new WriterError(message.error));
        this.#pending.delete(message.id);
        return;
      case "closed":
        this.#closed?.resolve();
    }
  }

  #died(reason: string): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const done of this.#pending.values()) {
      done.reject(new Error(`the store's writer thread stopped: ${reason}`));
    }
    this.#pending.clear();
  }
}
