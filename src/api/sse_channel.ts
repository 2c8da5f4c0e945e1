/**
 * A server-sent-events response with a bounded buffer: messages wait in memory only while the
 * client reads slower than they come, up to `limitBytes`; past it the stream ends (the caller
 * says why), so a client that stops reading costs at most that much.
 */

const encoder = new TextEncoder();
/** Most bytes handed to the HTTP layer per pull: what a stuck write holds besides the queue. */
const CHUNK_BYTES = 64 * 1024;

/** Options of {@linkcode SseChannel}. */
export interface SseChannelOptions {
  /** Most bytes waiting for a slow client. @default 1 MiB */
  limitBytes?: number;
  /** Called once when the stream ended, for whatever reason. */
  onEnd?: (reason: string) => void;
  /** A `ping` event this often keeps proxies from closing a quiet stream. @default 15000 */
  keepAliveMs?: number;
  /**
   * Cuts the underlying connection: erroring the body alone does not end a response whose
   * client stopped reading (the pending write never completes). @default none
   */
  closeConnection?: () => void;
}

/**
 * Backpressure comes from the response body being pulled: Deno pulls the next chunk only once
 * the previous one went out, so everything unsent is in this channel's queue and counted.
 *
 * @example
 * ```ts
 * const channel = new SseChannel({ onEnd: (why) => console.log(why) });
 * channel.send("log", JSON.stringify({ msg: "hello" }));
 * return channel.response;
 * ```
 */
export class SseChannel {
  readonly response: Response;
  #queue: string[] = [];
  #bytes = 0;
  #limit: number;
  #wake: (() => void) | null = null;
  #ending: string | null = null;
  #ended = false;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #onEnd: (reason: string) => void;
  #closeConnection: () => void;
  #keepAlive: ReturnType<typeof setInterval>;

  constructor(options: SseChannelOptions = {}) {
    const { limitBytes = 1024 * 1024, onEnd = () => {}, keepAliveMs = 15_000 } = options;
    this.#closeConnection = options.closeConnection ?? (() => {});
    if (!(limitBytes > 0)) throw new RangeError(`limitBytes must be > 0; got ${limitBytes}`);
    this.#limit = limitBytes;
    this.#onEnd = onEnd;
    this.#keepAlive = setInterval(() => this.send("ping", "{}"), keepAliveMs);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#finish("the client closed the stream"),
    }, { highWaterMark: 0 });
    this.response = new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  }

  /** Bytes queued for the client. */
  get queuedBytes(): number {
    return this.#bytes;
  }

  /** Whether the stream is ending or ended. */
  get closed(): boolean {
    return this.#ending !== null;
  }

  /**
   * Queues one event; returns false (and queues nothing) when the client is more than the
   * limit behind, or the stream is ending: then the caller ends it with a reason.
   */
  send(event: string, data: string): boolean {
    return this.sendFormatted(SseChannel.format(event, data));
  }

  /** One event in the wire format (format once, send to many channels). */
  static format(event: string, data: string): string {
    return `event: ${event}\ndata: ${data.replace(/\r?\n|\r/g, "\ndata: ")}\n\n`;
  }

  /** Like {@linkcode send}, with text from {@linkcode SseChannel.format}. */
  sendFormatted(text: string): boolean {
    if (this.#ending !== null) return false;
    if (this.#bytes + text.length > this.#limit && this.#queue.length > 0) return false;
    this.#queue.push(text);
    this.#bytes += text.length;
    this.#wake?.();
    return true;
  }

  /**
   * Ends the stream: a client that still reads gets an `end` event with `reason`; one that does
   * not read within `graceMs` has its connection cut.
   */
  end(reason: string, graceMs = 1000): void {
    if (this.#ending !== null) return;
    this.#ending = reason;
    this.#wake?.();
    const cut = setTimeout(() => this.abort(reason), graceMs);
    Deno.unrefTimer(cut);
  }

  /** Cuts the stream now (the client gets no end event). */
  abort(reason: string): void {
    this.#ending ??= reason;
    if (this.#ended) return;
    try {
      this.#controller.error(new Error(reason));
    } catch { /* already closed */ }
    this.#closeConnection();
    this.#finish(reason);
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    while (this.#queue.length === 0 && this.#ending === null) {
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = null;
    }
    if (this.#ended) return;
    if (this.#queue.length > 0 && this.#ending === null) {
      let n = 0;
      let size = 0;
      while (n < this.#queue.length && (n === 0 || size + this.#queue[n]!.length <= CHUNK_BYTES)) {
        size += this.#queue[n++]!.length;
      }
      const chunk = this.#queue.splice(0, n).join("");
      this.#bytes -= size;
      controller.enqueue(encoder.encode(chunk));
      return;
    }
    this.#queue = [];
    this.#bytes = 0;
    controller.enqueue(
      encoder.encode(`event: end\ndata: ${JSON.stringify({ reason: this.#ending })}\n\n`),
    );
    controller.close();
    this.#finish(this.#ending!);
  }

  #finish(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ending ??= reason;
    this.#queue = [];
    this.#bytes = 0;
    clearInterval(this.#keepAlive);
    this.#wake?.();
    this.#onEnd(reason);
  }
}
