/**
 * Live plugin state for every open console page, from one poller: while at least one browser
 * listens, the plugin list is read every `intervalMs` (in-process, no /proc reads) and each
 * fragment that changed is sent once to every listener as a named server-sent event that htmx
 * swaps into place. Nobody listening: no polling at all.
 */

/** One server-sent event: its name (`sse-swap` target) and HTML fragment. */
export interface LiveEvent {
  event: string;
  data: string;
}

/** Options of {@linkcode LiveHub}. */
export interface LiveHubOptions {
  /** Reads the current fragments, keyed by event name. */
  read: () => Promise<Map<string, string>>;
  /** Poll period while someone listens. @default 500 */
  intervalMs?: number;
  /** Where read failures go. @default console.error */
  log?: (message: string) => void;
}

/** Fans out changed fragments to listeners. */
export class LiveHub {
  #read: () => Promise<Map<string, string>>;
  #intervalMs: number;
  #log: (message: string) => void;
  #listeners = new Set<(events: LiveEvent[]) => void>();
  #last = new Map<string, string>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #polling: Promise<void> | null = null;
  #closed = false;

  constructor(options: LiveHubOptions) {
    const { read, intervalMs = 500, log = (m) => console.error(`plugd: ${m}`) } = options;
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0; got ${intervalMs}`);
    this.#read = read;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  /** Listens; the first call gets the current state of everything. Returns the unsubscribe. */
  subscribe(send: (events: LiveEvent[]) => void): () => void {
    this.#listeners.add(send);
    if (this.#last.size > 0) send([...this.#last].map(([event, data]) => ({ event, data })));
    this.#schedule(0);
    return () => {
      this.#listeners.delete(send);
    };
  }

  /** Number of open listeners. */
  get listeners(): number {
    return this.#listeners.size;
  }

  #schedule(ms: number): void {
    if (this.#closed || this.#timer !== null || this.#polling || this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#polling = this.#poll().finally(() => {
        this.#polling = null;
        this.#schedule(this.#intervalMs);
      });
    }, ms);
  }

  async #poll(): Promise<void> {
    let now: Map<string, string>;
    try {
      now = await this.#read();
    } catch (error) {
      this.#log(`console live feed: ${(error as Error).message}`);
      return;
    }
    const changed: LiveEvent[] = [];
    for (const [event, data] of now) {
      if (this.#last.get(event) !== data) changed.push({ event, data });
    }
    this.#last = now;
    if (changed.length === 0) return;
    for (const send of this.#listeners) {
      try {
        send(changed);
      } catch {
        this.#listeners.delete(send);
      }
    }
  }

  /** Stops polling and drops every listener. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
    await this.#polling;
  }
}
