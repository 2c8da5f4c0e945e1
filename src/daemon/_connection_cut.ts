/** A connection an `HttpListener` serves, and how it is cut. */
import type { BodyProgress } from "./_body_deadline.ts";

/** One served connection. */
export interface Connection {
  abort: AbortController;
  finished: boolean;
  /** Graceful close: requests in progress finish (and are flushed) first. */
  shutdown: () => Promise<void>;
  active: number;
  lastActiveAt: number;
  bodies: Set<BodyProgress>;
}

/**
 * Deno closes a connection's resource a few turns before its `finished` settles; an abort in that
 * window makes Deno's abort listener throw `BadResource` from inside `abort()`, which would be an
 * uncaught error and end the process. Only during our own aborts, that one error is absorbed.
 */
let aborting = 0;
let guardInstalled = false;

/** Aborts `c` at once (its requests end; nothing more is written to it). */
export function cut(c: Connection): void {
  if (c.finished || c.abort.signal.aborted) return;
  if (!guardInstalled) {
    guardInstalled = true;
    globalThis.addEventListener("error", (event) => {
      if (aborting > 0 && (event as ErrorEvent).error instanceof Deno.errors.BadResource) {
        event.preventDefault();
      }
    });
  }
  aborting++;
  try {
    c.abort.abort();
  } finally {
    aborting--;
  }
}
