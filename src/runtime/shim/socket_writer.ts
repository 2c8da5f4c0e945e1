/**
 * The shim's writer on the protocol socket. Deno has no synchronous socket write, so frames are
 * written with one write in flight at a time, in order; what is sent meanwhile waits and goes out
 * in the next write (a burst of results costs the host one wake-up). A write is started the
 * moment the socket is free: Deno polls it at once, so the kernel holds the bytes before
 * `write()` returns unless the socket's buffer (~200 KiB) is full — which is what lets a
 * process exit right after sending without losing what it sent (see {@linkcode exitFlush}).
 */

/** Pieces up to this size are joined into one write; larger ones are written as they are. */
const JOIN_BYTES = 64 * 1024;

/**
 * Queued bytes past which droppable frames (logs) are dropped: a stdout pipe blocked a plugin
 * that logged faster than the daemon read; a socket write cannot block, so without a bound the
 * backlog would grow in the plugin's memory. The daemon keeps 200 log lines/s anyway.
 */
export const DROP_BACKLOG_BYTES = 4 * 1024 * 1024;

/** The part of a `Deno.Conn` the writer uses. */
export interface ByteSink {
  write(p: Uint8Array): Promise<number>;
}

/** Ordered, coalescing writes to a socket, with a drain for the exits the shim makes itself. */
export class SocketWriter {
  #sink: ByteSink;
  #queue: Uint8Array[] = [];
  #busy = false;
  #broken = false;
  #waiters: Array<() => void> = [];
  #queued = 0;
  #dropped = 0;

  constructor(sink: ByteSink) {
    this.#sink = sink;
  }

  /**
   * Queues `bytes` after everything sent before; starts a write now if none is in flight. A
   * `droppable` frame is dropped (and counted) while more than {@linkcode DROP_BACKLOG_BYTES} wait.
   */
  write(bytes: Uint8Array, droppable = false): void {
    if (this.#broken || bytes.byteLength === 0) return;
    if (droppable && this.#queued > DROP_BACKLOG_BYTES) {
      this.#dropped++;
      return;
    }
    this.#queue.push(bytes);
    this.#queued += bytes.byteLength;
    if (!this.#busy) this.#pump();
  }

  /** Bytes queued and not yet handed to the socket. */
  get backlog(): number {
    return this.#queued;
  }

  /** The droppable frames dropped since the last call, once the backlog is below the bound. */
  takeDropped(): number {
    if (this.#dropped === 0 || this.#queued > DROP_BACKLOG_BYTES) return 0;
    const n = this.#dropped;
    this.#dropped = 0;
    return n;
  }

  /** Resolves once every byte queued so far is written (or the socket failed). */
  drained(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((r) => this.#waiters.push(r));
  }

  /**
   * For `Deno.exit()`, which gives no chance to await: hands what is still queued to the socket
   * in one write, which the kernel takes at once when the write in flight has completed and the
   * socket's buffer has room. Bytes are lost only when the host has not read for ~200 KiB.
   */
  exitFlush(): void {
    if (this.#broken || this.#queue.length === 0) return;
    const rest = this.#take(Infinity);
    this.#queue = [];
    this.#queued = 0;
    this.#sink.write(rest).catch(() => {});
  }

  /** The next write's bytes: queued pieces joined up to `limit` bytes (a large piece alone). */
  #take(limit: number): Uint8Array {
    const first = this.#queue[0]!;
    if (this.#queue.length === 1 || first.byteLength >= limit) {
      this.#queue.shift();
      this.#queued -= first.byteLength;
      return first;
    }
    let count = 0;
    let size = 0;
    for (const piece of this.#queue) {
      if (count > 0 && size + piece.byteLength > limit) break;
      size += piece.byteLength;
      count++;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const piece of this.#queue.splice(0, count)) {
      out.set(piece, at);
      at += piece.byteLength;
    }
    this.#queued -= size;
    return out;
  }

  /**
   * Writes the queue out, one write in flight, without an async frame: the write is started here
   * (at once, as the class's contract says) and each completion starts the next.
   */
  #pump(): void {
    this.#busy = true;
    this.#writeOut(this.#take(JOIN_BYTES));
  }

  #writeOut(bytes: Uint8Array): void {
    let written: Promise<number>;
    try {
      written = this.#sink.write(bytes);
    } catch {
      return this.#fail();
    }
    written.then((n) => {
      if (n < bytes.byteLength) return this.#writeOut(bytes.subarray(n));
      if (this.#queue.length > 0) return this.#writeOut(this.#take(JOIN_BYTES));
      this.#idle();
    }, () => this.#fail());
  }

  /** The host is gone: nothing more can arrive. */
  #fail(): void {
    this.#broken = true;
    this.#queue = [];
    this.#queued = 0;
    this.#idle();
  }

  #idle(): void {
    this.#busy = false;
    if (this.#waiters.length > 0) { for (const wake of this.#waiters.splice(0)) wake(); }
  }
}
