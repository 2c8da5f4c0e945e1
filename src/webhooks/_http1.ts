/**
 * One HTTP/1.1 POST over a connection to an address the SSRF guard checked, and a pool of
 * keep-alive connections per address.
 *
 * Why not `fetch`: it cannot pin an address for TLS in Deno 2.9, and per request it costs the
 * daemon 40-60 µs of CPU (request and response objects, header guards, streams, the client's
 * own task) where this exchange costs 13-19 µs (docs/performance.md, "Webhooks and tasks"). The
 * request is written in one write; the response head is parsed here, its body framed by
 * `content-length`, `chunked` or the close of the connection. A connection goes back to the
 * pool only when its response was framed and read to the end, did not say `connection: close`,
 * and the pool was asked to keep it; anything else closes it.
 *
 * @module
 */

/** What one exchange saw. */
export interface Http1Response {
  status: number;
  /** `Retry-After` header, if any. */
  retryAfter: string | null;
  /** The first `maxBody` bytes of the body. */
  body: Uint8Array;
  /** The connection may carry another request. */
  reusable: boolean;
}

const CRLF2 = [13, 10, 13, 10];
/** Longest response head read. */
const MAX_HEAD = 64 * 1024;
/** A body longer than this is not read to its end to keep the connection: it is closed. */
const MAX_DRAIN = 64 * 1024;

/** Writes all of `data`. */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += await conn.write(data.subarray(offset));
}

/** Reads from a connection into one growing buffer, consuming from its front (one per connection). */
export class Reader {
  #conn: Deno.Conn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  get available(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  consume(n: number): void {
    this.#start += n;
  }

  /** Reads more; false at the end of the stream. */
  async fill(): Promise<boolean> {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      const size = this.#end - this.#start;
      if (this.#start > 0) this.#buf.copyWithin(0, this.#start, this.#end);
      else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      this.#start = 0;
      this.#end = size;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }
}

function indexOf(data: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= data.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (data[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

const latin1 = new TextDecoder("latin1");

/**
 * Sends `request` (head and body, already encoded) on `conn` and reads the response through
 * `reader` (the connection's own, kept with it in the pool).
 * Throws on a malformed response; `closedEarly` is set on the error when the connection ended
 * before any byte of a response (a kept connection the receiver had closed).
 */
export async function exchange(
  conn: Deno.Conn,
  reader: Reader,
  request: Uint8Array,
  maxBody: number,
): Promise<Http1Response> {
  await writeAll(conn, request);
  for (;;) {
    let headEnd = indexOf(reader.available, CRLF2);
    while (headEnd < 0) {
      const before = reader.available.length;
      if (!await reader.fill()) {
        const error = new Error("connection closed before a complete HTTP response head");
        if (before === 0) Object.assign(error, { closedEarly: true });
        throw error;
      }
      if (reader.available.length > MAX_HEAD) throw new Error("response headers exceed 64 KiB");
      headEnd = indexOf(reader.available, CRLF2, Math.max(0, before - 3));
    }
    const lines = latin1.decode(reader.available.subarray(0, headEnd)).split("\r\n");
    reader.consume(headEnd + 4);
    const match = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? "");
    if (!match) throw new Error(`malformed HTTP status line "${(lines[0] ?? "").slice(0, 80)}"`);
    const status = Number(match[2]);
    if (status >= 100 && status < 200) continue; // 100 Continue and friends: the real one follows
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    const wantsClose = /\bclose\b/i.test(headers.get("connection") ?? "") ||
      (match[1] === "0" && !/\bkeep-alive\b/i.test(headers.get("connection") ?? ""));
    const body = await readBody(reader, status, headers, maxBody);
    return {
      status,
      retryAfter: headers.get("retry-after") ?? null,
      body: body.bytes,
      // Bytes past the response (nothing asked for them) make the connection suspect.
      reusable: body.complete && !wantsClose && reader.available.length === 0,
    };
  }
}

/** Reads the body as framed by the head; `complete` when it was read to its end. */
async function readBody(
  reader: Reader,
  status: number,
  headers: Map<string, string>,
  maxBody: number,
): Promise<{ bytes: Uint8Array; complete: boolean }> {
  if (status === 204 || status === 304) return { bytes: new Uint8Array(0), complete: true };
  const kept: Uint8Array[] = [];
  let keptSize = 0;
  const keep = (chunk: Uint8Array) => {
    if (keptSize >= maxBody) return;
    const part = chunk.subarray(0, maxBody - keptSize);
    kept.push(part.slice());
    keptSize += part.length;
  };
  const result = (complete: boolean) => {
    const bytes = new Uint8Array(keptSize);
    let offset = 0;
    for (const c of kept) bytes.set(c, (offset += c.length) - c.length);
    return { bytes, complete };
  };
  if (/\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")) {
    let total = 0;
    for (;;) {
      let lineEnd = indexOf(reader.available, [13, 10]);
      while (lineEnd < 0) {
        if (!await reader.fill()) return result(false);
        lineEnd = indexOf(reader.available, [13, 10]);
      }
      const size = parseInt(latin1.decode(reader.available.subarray(0, lineEnd)), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error("malformed chunked response body");
      reader.consume(lineEnd + 2);
      if (size === 0) {
        // Trailers, then an empty line.
        for (;;) {
          let end = indexOf(reader.available, [13, 10]);
          while (end < 0) {
            if (!await reader.fill()) return result(false);
            end = indexOf(reader.available, [13, 10]);
          }
          reader.consume(end + 2);
          if (end === 0) return result(true);
        }
      }
      total += size;
      if (total > MAX_DRAIN && keptSize >= maxBody) return result(false);
      let left = size + 2; // the chunk and its CRLF
      while (left > 0) {
        if (reader.available.length === 0 && !await reader.fill()) return result(false);
        const take = reader.available.subarray(0, left);
        keep(take.subarray(0, Math.max(0, Math.min(take.length, left - 2))));
        reader.consume(take.length);
        left -= take.length;
      }
    }
  }
  const lengthText = headers.get("content-length");
  if (lengthText !== undefined) {
    const length = Number(lengthText);
    if (!Number.isSafeInteger(length) || length < 0) throw new Error("malformed content-length");
    if (length > MAX_DRAIN && length > maxBody) {
      // Read what is kept, then give the connection up rather than drain a large body.
      while (reader.available.length < maxBody && await reader.fill());
      keep(reader.available);
      return result(false);
    }
    let left = length;
    while (left > 0) {
      if (reader.available.length === 0 && !await reader.fill()) return result(false);
      const take = reader.available.subarray(0, left);
      keep(take);
      reader.consume(take.length);
      left -= take.length;
    }
    return result(true);
  }
  // No framing: the body ends with the connection.
  while (keptSize < maxBody) {
    if (reader.available.length === 0 && !await reader.fill()) break;
    keep(reader.available);
    reader.consume(reader.available.length);
  }
  return result(false);
}
