/**
 * The body of `POST /v1/plugins/{id}/commands/{name}`: NDJSON, one line per output chunk
 * (`{"out":"..."}`) as the plugin writes it, then one last line `{"exit":N,...}` or
 * `{"error":{...}}`. The queue toward a slow client is bounded: output beyond it is dropped and
 * counted in the last line, never buffered without limit.
 */

/** Largest amount of output queued for a client that does not read, in bytes. */
export const MAX_QUEUED_OUTPUT = 4 * 1024 * 1024;

const encoder = new TextEncoder();

/** A command's output stream; `body` goes into the Response. */
export class CommandStream {
  readonly body: ReadableStream<Uint8Array>;
  readonly #abort = new AbortController();
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;
  #dropped = 0;

  constructor() {
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      // The client went away (Ctrl-C in the CLI closes the connection): cancel the run.
      cancel: () => {
        this.#closed = true;
        this.#abort.abort(new DOMException("The client closed the stream", "AbortError"));
      },
    }, new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_OUTPUT }));
  }

  /** Fires when the client disconnects. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Bytes of output dropped because the client did not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one chunk of output (dropped and counted when the client is too far behind). */
  out(data: string): void {
    const line = encoder.encode(JSON.stringify({ out: data }) + "\n");
    if (this.#closed) return;
    if ((this.#controller.desiredSize ?? 0) < line.byteLength) {
      this.#dropped += line.byteLength;
      return;
    }
    this.#controller.enqueue(line);
  }

  /** Writes the last line and closes the stream. */
  end(last: Record<string, unknown>): void {
    if (this.#closed) return;
    this.#closed = true;
    const extra = this.#dropped > 0 ? { dropped_bytes: this.#dropped } : {};
    this.#controller.enqueue(encoder.encode(JSON.stringify({ ...last, ...extra }) + "\n"));
    this.#controller.close();
  }
}
