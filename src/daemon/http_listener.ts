/**
 * An HTTP server that owns its accept loop, so that it can count and cap connections, close idle
 * and stalled ones, survive `EMFILE`, and drain on stop. Each accepted connection is served by
 * Deno's own HTTP engine (the one behind `Deno.serve`, reached through `Deno[Deno.internal]`,
 * which `Deno.serve` cannot do for us: it neither exposes connections nor survives an accept
 * error). docs/architecture.md, "Listeners".
 */
import { BodyTimeoutError, trackBody } from "./_body_deadline.ts";
import type {
  Connection,
  HttpListenerOptions,
  ListenerLimits,
  ListenerStats,
} from "./http_listener_types.ts";

export type {
  ConnectionHandler,
  HttpListenerOptions,
  ListenerLimits,
  ListenerStats,
} from "./http_listener_types.ts";

/** Defaults of {@linkcode ListenerLimits}. */
export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  maxConnections: 512,
  idleTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
};

// deno-lint-ignore no-explicit-any
const internal = (Deno as any)[(Deno as any).internal] as {
  serveHttpOnConnection?: (
    conn: Deno.Conn,
    signal: AbortSignal,
    handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
    onError: (error: unknown) => Response | Promise<Response>,
    onListen: () => void,
  ) => { finished: Promise<void>; shutdown(): Promise<void> };
};

const REFUSAL_BODY = JSON.stringify({
  type: "urn:plugd:problem:service-unavailable",
  title: "Service Unavailable",
  status: 503,
  detail: "Too many open connections; retry in a second",
});
const REFUSAL = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n" +
    `retry-after: 1\r\nconnection: close\r\ncontent-length: ${REFUSAL_BODY.length}\r\n\r\n` +
    REFUSAL_BODY,
);

/** At the connection cap, only connections idle this long are closed to make room. */
const MIN_IDLE_MS = 1000;

/**
 * Deno closes a connection's resource a few turns before its `finished` settles; an abort in that
 * window makes Deno's abort listener throw `BadResource` from inside `abort()`, which would be an
 * uncaught error and end the process. Only during our own aborts, that one error is absorbed.
 */
let aborting = 0;
let guardInstalled = false;

function cut(c: Connection): void {
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

/** Whether this Deno offers what {@linkcode HttpListener} needs. */
export function listenerSupported(): boolean {
  return typeof internal?.serveHttpOnConnection === "function";
}

/** See the module doc. Dispose (or `shutdown`) to stop. */
export class HttpListener {
  readonly addr: Deno.Addr;
  readonly stats: ListenerStats = {
    open: 0,
    accepted: 0,
    refused: 0,
    evicted: 0,
    idleClosed: 0,
    bodyTimeouts: 0,
    acceptErrors: 0,
  };
  #o: Required<Omit<HttpListenerOptions, "limits">> & { limits: ListenerLimits };
  #conns = new Set<Connection>();
  #sweep: ReturnType<typeof setInterval>;
  #loop: Promise<void>;
  #stopping = false;
  #lastErrorLog = 0;

  private constructor(o: HttpListenerOptions) {
    const limits = { ...DEFAULT_LISTENER_LIMITS, ...o.limits };
    for (const [k, v] of Object.entries(limits)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be >= 1; got ${v}`);
    }
    this.#o = {
      log: (m) => console.error(`plugd: ${m}`),
      sweepMs: 1000,
      watchBodies: true,
      ...o,
      limits,
    };
    this.addr = o.listener.addr;
    this.#sweep = setInterval(() => this.#sweepOnce(), this.#o.sweepMs);
    this.#loop = this.#acceptLoop();
  }

  /** Starts serving `options.listener`. */
  static serve(options: HttpListenerOptions): HttpListener {
    if (!listenerSupported()) {
      throw new Error(
        `This Deno (${Deno.version.deno}) lacks the connection-level HTTP server plugd uses; ` +
          "run the Deno version pinned in .ci/run",
      );
    }
    return new HttpListener(options);
  }

  async #acceptLoop(): Promise<void> {
    let backoffMs = 10;
    while (!this.#stopping) {
      let conn: Deno.Conn;
      try {
        conn = await this.#o.listener.accept();
        backoffMs = 10;
      } catch (error) {
        if (this.#stopping || error instanceof Deno.errors.BadResource) return;
        this.stats.acceptErrors++;
        const fds = /open files|os error 2[34]\b/i.test(String((error as Error)?.message));
        if (fds) this.#evictIdle(Math.max(1, Math.ceil(this.#conns.size / 16)), 0);
        this.#logThrottled(
          `accept failed on ${describe(this.addr)}: ${(error as Error)?.message}` +
            (fds ? `; ${this.#conns.size} connections open, idle ones closed, still serving` : ""),
        );
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(1000, backoffMs * 2);
        continue;
      }
      this.#admit(conn);
    }
  }

  #admit(conn: Deno.Conn): void {
    if (this.#conns.size >= this.#o.limits.maxConnections && this.#evictIdle(1) === 0) {
      this.stats.refused++;
      this.#logThrottled(
        `refusing a connection on ${describe(this.addr)}: ${this.#conns.size} open, all busy ` +
          `(limit ${this.#o.limits.maxConnections})`,
      );
      conn.write(REFUSAL).catch(() => {}).finally(() => conn.close());
      return;
    }
    this.stats.accepted++;
    const c: Connection = {
      abort: new AbortController(),
      finished: false,
      shutdown: () => Promise.resolve(),
      active: 0,
      lastActiveAt: Date.now(),
      bodies: new Set(),
    };
    this.#conns.add(c);
    this.stats.open = this.#conns.size;
    const served = internal.serveHttpOnConnection!(
      conn,
      c.abort.signal,
      (request, info) => this.#serve(c, request, info),
      this.#o.onError,
      () => {},
    );
    c.shutdown = () => served.shutdown();
    served.finished.catch(() => {}).finally(() => {
      c.finished = true;
      this.#conns.delete(c);
      this.stats.open = this.#conns.size;
    });
  }

  async #serve(c: Connection, raw: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    c.active++;
    c.lastActiveAt = Date.now();
    const { request, progress } = this.#o.watchBodies
      ? trackBody(raw)
      : { request: raw, progress: null };
    if (progress) c.bodies.add(progress);
    info.completed.catch(() => {}).finally(() => {
      c.active--;
      c.lastActiveAt = Date.now();
      if (progress) c.bodies.delete(progress);
    });
    return await this.#o.handler(request, info, () => cut(c));
  }

  /**
   * Closes up to `n` connections idle for at least `minIdleMs`, oldest first; returns how many.
   * A connection just accepted has not sent its request yet: it is not idle for this.
   */
  #evictIdle(n: number, minIdleMs = MIN_IDLE_MS): number {
    const now = Date.now();
    const idle = [...this.#conns].filter((c) => c.active === 0 && now - c.lastActiveAt >= minIdleMs)
      .sort((a, b) => a.lastActiveAt - b.lastActiveAt).slice(0, n);
    for (const c of idle) {
      this.#conns.delete(c);
      cut(c);
    }
    this.stats.evicted += idle.length;
    this.stats.open = this.#conns.size;
    return idle.length;
  }

  #sweepOnce(): void {
    const now = Date.now();
    const { idleTimeoutMs, bodyTimeoutMs } = this.#o.limits;
    for (const c of this.#conns) {
      if (c.active === 0 && now - c.lastActiveAt > idleTimeoutMs) {
        this.stats.idleClosed++;
        cut(c);
        continue;
      }
      for (const body of c.bodies) {
        if (body.lastChunkAt !== null && now - body.lastChunkAt > bodyTimeoutMs) {
          this.stats.bodyTimeouts++;
          body.fail(new BodyTimeoutError(bodyTimeoutMs));
          // Time to send the 408; then the rest of that body must not be read as a request.
          setTimeout(() => cut(c), 1000);
        }
      }
    }
  }

  #logThrottled(message: string): void {
    if (Date.now() - this.#lastErrorLog < 10_000) return;
    this.#lastErrorLog = Date.now();
    this.#o.log(message);
  }

  /**
   * Stops accepting, closes idle connections, lets requests in progress finish for up to
   * `drainMs`, then closes every connection (long streams end at once: close them before).
   */
  async shutdown(options: { drainMs?: number } = {}): Promise<void> {
    const { drainMs = 5000 } = options;
    this.#stopping = true;
    clearInterval(this.#sweep);
    try {
      this.#o.listener.close();
    } catch { /* already closed */ }
    await this.#loop;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, drainMs));
    const graceful = Promise.allSettled([...this.#conns].map((c) => c.shutdown()));
    await Promise.race([graceful, late]);
    clearTimeout(timer);
    for (const c of this.#conns) cut(c);
    this.#conns.clear();
    this.stats.open = 0;
  }

  /** Whether any request is in progress. */
  get busy(): boolean {
    return [...this.#conns].some((c) => c.active > 0);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ drainMs: 0 });
  }
}

function describe(addr: Deno.Addr): string {
  return addr.transport === "unix"
    ? `unix:${(addr as Deno.UnixAddr).path}`
    : `${(addr as Deno.NetAddr).hostname}:${(addr as Deno.NetAddr).port}`;
}
