/** A raw TCP listener that only counts connections (to prove nothing reached it). */
export interface CountingListener {
  port: number;
  connections: () => number;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** Listens on 127.0.0.1 (and ::1 when `v6`) on one port, counting accepted connections. */
export function countingListener(): CountingListener {
  let count = 0;
  const listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        count++;
        conn.close();
      }
    } catch { /* closed */ }
  })();
  const close = async () => {
    listener.close();
    await loop;
  };
  return { port, connections: () => count, close, [Symbol.asyncDispose]: close };
}
