/**
 * Frames to a plugin's stdin, coalesced: every frame sent in one turn of the microtask queue goes
 * out in one write, so a burst of calls (pipelined dispatch, a batch of events) costs the plugin
 * one wake-up and one read instead of one per frame. Order is kept; a lone frame waits only for
 * the current microtasks, not for a timer.
 */

const encoder = new TextEncoder();

/** Where frames go: a stream's writer, or {@linkcode connSink} over the protocol socket. */
export interface FrameSink {
  /** Writes all of `bytes`, after every earlier write. */
  write(bytes: Uint8Array): Promise<unknown>;
  /** Ends the stream once the earlier writes are done. */
  close(): Promise<unknown>;
}

/**
 * A sink over a connection that is still being set up: writes wait for it, then go out whole
 * (a socket write may take part of a buffer) and in order. `close()` ends only this direction:
 * the plugin's last frames still arrive on the connection, whose reader closes it at EOF. Once
 * connected, a write with none in flight is handed to the socket at once: one promise for the
 * write, not a chain of them (a sequential call makes one write each way).
 */
export function connSink(conn: Promise<Deno.Conn | Deno.UnixConn>): FrameSink {
  let open: Deno.Conn | Deno.UnixConn | undefined;
  let tail: Promise<unknown> = conn.then((c) => open = c);
  let inFlight = 1; // the connect, then each write until it completed
  const done = () => void inFlight--;
  tail.then(done, done);
  return {
    write(bytes) {
      inFlight++;
      const c = open;
      const step = c && inFlight === 1
        ? writeAll(c, bytes, done)
        : tail.then(() => writeAll(open!, bytes, done), (e) => {
          done();
          throw e;
        });
      tail = step;
      return step;
    },
    close() {
      return tail.catch(() => {}).then(() => open?.closeWrite());
    },
  };
}

/** Writes every byte of `bytes` (a socket write may take part of it), then calls `done`. */
function writeAll(c: Deno.Conn, bytes: Uint8Array, done: () => void): Promise<void> {
  return c.write(bytes).then((n) => {
    if (n < bytes.byteLength) return writeAll(c, bytes.subarray(n), done);
    done();
  }, (e) => {
    done();
    throw e;
  });
}

/** Buffers frames and writes them with the next microtask checkpoint. */
export class FrameWriter {
  #writer: FrameSink;
  #lines: string[] = [];
  #scheduled = false;

  constructor(writer: FrameSink) {
    this.#writer = writer;
  }

  /** Queues `frame` as one NDJSON line; a write error (the child is gone) is ignored here. */
  send(frame: unknown): void {
    this.#lines.push(JSON.stringify(frame));
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  /** Writes what is queued, then closes the stream (the child sees EOF after the last frame). */
  close(): void {
    this.#flush();
    this.#writer.close().catch(() => {});
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0) return;
    // One encode of the joined text: no per-frame buffer, no copy into a combined one.
    const text = this.#lines.length === 1 ? this.#lines[0] + "\n" : this.#lines.join("\n") + "\n";
    this.#lines = [];
    this.#writer.write(encoder.encode(text)).catch(() => {});
  }
}
