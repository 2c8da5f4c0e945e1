/**
 * The contract of `HttpListener` (`http_listener.ts`): its handler, limits, options, counters and the state
 * it keeps per connection. Types only, so the listener's module graph at run time is the one file
 * (docs/architecture.md, "Listeners": a different layout of that code made Deno 2.9.6 panic when
 * out of descriptors).
 * @module
 */
import type { BodyProgress } from "./_body_deadline.ts";

/**
 * Serves one request; `info` is Deno's `ServeHandlerInfo`, `closeConnection` cuts the
 * connection the request came on (for a stream whose client stopped reading: erroring its body
 * is not enough while a write to that client is stuck).
 */
export type ConnectionHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo,
  closeConnection: () => void,
) => Response | Promise<Response>;

/** Limits of one listener; see docs/operations.md ("Connections"). */
export interface ListenerLimits {
  /** Connections open at once; past it the oldest idle one is closed, else the new one. @default 512 */
  maxConnections: number;
  /** A connection with no request in progress (idle keep-alive, or a request head that never completes) is closed after this. @default 30000 */
  idleTimeoutMs: number;
  /** A request body that makes no progress for this long fails with 408. @default 30000 */
  bodyTimeoutMs: number;
}

/** Options of `HttpListener.serve()`. */
export interface HttpListenerOptions {
  listener: Deno.Listener;
  handler: ConnectionHandler;
  onError: (error: unknown) => Response | Promise<Response>;
  limits?: Partial<ListenerLimits>;
  /** @default console.error */
  log?: (message: string) => void;
  /** How often idle and stalled connections are looked for. @default 1000 */
  sweepMs?: number;
  /**
   * Watch request bodies for stalls (costs ~10 µs per request with a body: the body is read
   * through a JS stream instead of Deno's buffered fast path). Off for the trusted Unix socket.
   * @default true
   */
  watchBodies?: boolean;
}

/** Counters of one listener (shown in `/metrics`). */
export interface ListenerStats {
  open: number;
  accepted: number;
  refused: number;
  evicted: number;
  idleClosed: number;
  bodyTimeouts: number;
  acceptErrors: number;
}

/** One accepted connection, as the listener tracks it. */
export interface Connection {
  abort: AbortController;
  finished: boolean;
  /** Graceful close: requests in progress finish (and are flushed) first. */
  shutdown: () => Promise<void>;
  active: number;
  lastActiveAt: number;
  bodies: Set<BodyProgress>;
}
