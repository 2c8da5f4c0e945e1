/** Bounded NDJSON line reader for untrusted child output. */
import { MAX_FRAME_BYTES } from "./shim/wire.ts";
import { type ByteSource, chunks, READ_CHUNK_BYTES } from "./_read_chunks.ts";

export type { ByteSource };

/** Options of {@linkcode readLines}. */
export interface ReadLinesOptions {
  /** Called for each complete line (without the newline), decoded as UTF-8. */
  onLine: (line: string) => void;
  /** Called for a line longer than `maxLineBytes`: its first `prefixBytes` and its total size. */
  onOversized?: (prefix: string, totalBytes: number) => void;
  /** Longest line kept, in bytes. @default 1 MiB */
  maxLineBytes?: number;
  /** Bytes of an oversized line kept for the log. @default 8192 */
  prefixBytes?: number;
  /**
   * Size of the buffer a read gets once the stream is busy (lines may be longer); an idle stream's
   * pending read holds 1 KiB at most (`_read_chunks.ts`). @default 16 KiB
   */
  chunkBytes?: number;
}

const decoder = new TextDecoder();

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Read `stream` to its end, splitting it into lines. Memory stays bounded by `maxLineBytes`
 * plus one chunk: a longer line is discarded while it streams (only a prefix is kept).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * await readLines(ReadableStream.from([new TextEncoder().encode("a\nb\n")]), {
 *   onLine: (l) => lines.push(l),
 * });
 * ```
 */
export async function readLines(
  stream: ReadableStream<Uint8Array> | ByteSource,
  options: ReadLinesOptions,
): Promise<void> {
  const { onLine, onOversized, maxLineBytes = MAX_FRAME_BYTES, prefixBytes = 8192 } = options;
  const { chunkBytes = READ_CHUNK_BYTES } = options;
  if (!(maxLineBytes > 0)) throw new RangeError("maxLineBytes must be > 0");
  let parts: Uint8Array[] = [];
  let size = 0;
  let discarding = false;
  let prefix = new Uint8Array(0);
  let total = 0;

  const take = (piece: Uint8Array): void => {
    if (piece.byteLength === 0) return;
    if (discarding) {
      total += piece.byteLength;
      return;
    }
    if (size + piece.byteLength > maxLineBytes) {
      const head = concat([...parts, piece], size + piece.byteLength);
      prefix = head.slice(0, prefixBytes);
      total = size + piece.byteLength;
      parts = [];
      size = 0;
      discarding = true;
      return;
    }
    parts.push(piece.slice()); // copy: do not pin the reader's whole chunk
    size += piece.byteLength;
  };

  const finish = (): void => {
    if (discarding) {
      onOversized?.(decoder.decode(prefix), total);
      discarding = false;
      prefix = new Uint8Array(0);
      total = 0;
      return;
    }
    let bytes = concat(parts, size);
    if (bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === 13) bytes = bytes.subarray(0, -1);
    parts = [];
    size = 0;
    onLine(decoder.decode(bytes));
  };

  const next = chunks(stream, chunkBytes);
  try {
    while (true) {
      const { value, done } = await next.read();
      if (done) break;
      let start = 0;
      const last = value.lastIndexOf(10);
      if (size === 0 && !discarding && last !== -1 && last <= maxLineBytes) {
        // The usual case, whole lines inside one chunk: one decode and one split for all of them
        // (a pipelined batch is hundreds of frames), no copy.
        for (const line of decoder.decode(value.subarray(0, last)).split("\n")) {
          onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
        }
        start = last + 1;
      }
      while (start <= value.byteLength) {
        const nl = value.indexOf(10, start);
        if (nl === -1) {
          take(value.subarray(start));
          break;
        }
        if (size === 0 && !discarding && nl - start <= maxLineBytes) {
          // The usual case, a whole line inside one chunk: decoded in place, no copy.
          const end = nl > start && value[nl - 1] === 13 ? nl - 1 : nl;
          onLine(decoder.decode(value.subarray(start, end)));
        } else {
          take(value.subarray(start, nl));
          finish();
        }
        start = nl + 1;
      }
    }
    if (size > 0 || discarding) finish();
  } finally {
    next.release();
  }
}
