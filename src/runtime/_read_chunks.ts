/**
 * Reading a byte stream in chunks whose buffer follows the traffic. A pending read always holds
 * its buffer, and a plugin's streams (the protocol socket, stdout, stderr) have one pending read
 * each for as long as the plugin runs: 24 KiB per plugin with fixed 16 + 4 + 4 KiB buffers, ~5 MiB
 * of the daemon's memory with 200 plugins, nearly all of it waiting on streams that are idle. So a
 * read gets `IDLE_CHUNK_BYTES` after a read that did not fill its buffer, and the full `size` once
 * one filled it (a burst, a pipelined batch, a long line): an idle stream pins 1 KiB, a busy one
 * reads in full chunks as before. Chunks are only valid until the next read.
 */

/** Something read into a caller's buffer, like a `Deno.Conn` (read directly: no stream). */
export interface ByteSource {
  read(p: Uint8Array): Promise<number | null>;
}

/** Size of the buffer a busy stream's read gets (a child's stdout and stderr ask for less). */
export const READ_CHUNK_BYTES = 16 * 1024;

/** Size of the buffer an idle stream's pending read holds. */
export const IDLE_CHUNK_BYTES = 1024;

/** A chunk reader (see the module doc). */
export interface Chunks {
  read(): Promise<{ value: Uint8Array; done: false } | { value?: undefined; done: true }>;
  release(): void;
}

/**
 * Reads `stream` in chunks of at most `size` bytes (BYOB where the stream allows it: a default
 * reader would pin a fresh 64 KiB buffer per pending read). Streams that are not byte streams use
 * a default reader.
 */
export function chunks(stream: ReadableStream<Uint8Array> | ByteSource, size: number): Chunks {
  const idle = Math.min(size, IDLE_CHUNK_BYTES);
  if (!(stream instanceof ReadableStream)) {
    const source = stream;
    const small: Uint8Array = new Uint8Array(idle);
    let big: Uint8Array | null = null;
    let buffer: Uint8Array = small;
    // One reused result object and the read's own promise: a sequential call is one read here.
    const chunk = { value: buffer, done: false as const };
    const end = { done: true as const };
    const got = (n: number | null) => {
      if (n === null) return end;
      chunk.value = buffer.subarray(0, n);
      // A read that filled the idle buffer (or would have) makes the next one big.
      if (n >= idle) buffer = big ??= new Uint8Array(size);
      else {
        buffer = small;
        big = null; // collected once the chunk handed out now is done with
      }
      return chunk;
    };
    const closed = () => end; // closed or reset: the end
    return { read: () => source.read(buffer).then(got, closed), release: () => {} };
  }
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    const reader = stream.getReader();
    return {
      read: async () => {
        const r = await reader.read();
        return r.done ? { done: true } : { value: r.value, done: false };
      },
      release: () => reader.releaseLock(),
    };
  }
  const reader = byob;
  let small: Uint8Array<ArrayBuffer> = new Uint8Array(idle);
  let big: Uint8Array<ArrayBuffer> | null = null;
  let busy = false;
  return {
    read: async () => {
      const buffer = busy ? big ??= new Uint8Array(size) : small;
      const r = await reader.read(buffer);
      if (r.done || !r.value) return { done: true };
      // The read transferred the buffer: its memory comes back in the chunk.
      const back = new Uint8Array(r.value.buffer as ArrayBuffer);
      if (busy) big = back;
      else small = back;
      busy = r.value.byteLength >= idle;
      if (!busy) big = null;
      return { value: r.value, done: false };
    },
    release: () => reader.releaseLock(),
  };
}
