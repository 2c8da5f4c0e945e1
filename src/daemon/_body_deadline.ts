/** Request bodies that stall: a body read that makes no progress for a while fails with 408. */

/** Thrown into a request body that made no progress within the deadline. */
export class BodyTimeoutError extends Error {
  override name = "BodyTimeoutError";
  constructor(ms: number) {
    super(
      `The request body stalled: no bytes for ${ms} ms. Send the whole body promptly ` +
        "(the connection is closed)",
    );
  }
}

/** What the connection table needs to know about a body being read. */
export interface BodyProgress {
  /** When the last chunk arrived (ms since the epoch), or null when the body is done. */
  lastChunkAt: number | null;
  /** Fails the read with {@linkcode BodyTimeoutError}. */
  fail(error: Error): void;
}

/**
 * Returns `request` with its body wrapped so each chunk records progress in the returned
 * `BodyProgress`; requests without a body are returned unchanged (and no progress object).
 * A sweep (not a timer per chunk) calls `fail` when `lastChunkAt` is too old.
 */
export function trackBody(request: Request): { request: Request; progress: BodyProgress | null } {
  const source = request.body;
  if (source === null) return { request, progress: null };
  const reader = source.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const progress: BodyProgress = {
    lastChunkAt: Date.now(),
    fail: (error) => {
      if (progress.lastChunkAt === null) return;
      progress.lastChunkAt = null;
      try {
        controller.error(error);
      } catch { /* already closed */ }
      reader.cancel(error).catch(() => {});
    },
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      try {
        const { done, value } = await reader.read();
        if (progress.lastChunkAt === null) return; // failed meanwhile
        if (done) {
          progress.lastChunkAt = null;
          c.close();
        } else {
          progress.lastChunkAt = Date.now();
          c.enqueue(value);
        }
      } catch (error) {
        progress.lastChunkAt = null;
        c.error(error);
      }
    },
    cancel(reason) {
      progress.lastChunkAt = null;
      return reader.cancel(reason);
    },
  });
  // Not `new Request(request, …)`: that reads `request.signal`, which makes Deno warn about its
  // legacy abort semantics on every request.
  const wrapped = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    duplex: "half",
  } as RequestInit);
  return { request: wrapped, progress };
}
