/** A real local HTTP receiver for webhook tests: records requests, answers via a script. */

/** One request the receiver got. */
export interface Received {
  headers: Headers;
  body: string;
  url: string;
}

/** A running receiver. */
export interface Receiver {
  port: number;
  url: string;
  received: Received[];
  /** Resolves once `n` requests arrived. */
  waitFor: (n: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** Starts a receiver; `respond(i)` makes the answer to the i-th request (0-based). */
export function startReceiver(
  respond: (i: number, req: Request) => Response | Promise<Response> = () => new Response("ok"),
  port = 0,
): Receiver {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
    const body = await req.text();
    const i = received.length;
    received.push({ headers: req.headers, body, url: req.url });
    for (const w of waiters) w();
    return await respond(i, req);
  });
  const waitFor = (n: number, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (received.length >= n) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`receiver got ${received.length} requests, wanted ${n}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const close = () => server.shutdown();
  return {
    port: server.addr.port,
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    waitFor,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Polls `check` until it returns a truthy value (no fixed sleeps in assertions). */
export async function waitUntil<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
