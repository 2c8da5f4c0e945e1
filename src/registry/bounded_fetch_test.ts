import assert from "node:assert/strict";
import { boundedFetch } from "./bounded_fetch.ts";
import { loadIndex } from "./load_index.ts";
import { RegistryError } from "./types.ts";

const MiB = 1024 * 1024;

function assertCode(error: unknown, code: string, message?: RegExp): void {
  assert.ok(error instanceof RegistryError, String(error));
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
}

/** A server whose body is an endless chunked stream; counts the bytes it was asked for. */
function endlessServer(): { url: string; pulled: () => number; server: Deno.HttpServer } {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulled += chunk.length;
            controller.enqueue(chunk);
          },
        }, { highWaterMark: 0 }),
        { headers: { "content-type": "application/json" } },
      ),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/index.json`, pulled: () => pulled, server };
}

Deno.test("boundedFetch() stops a chunked body at the limit instead of buffering it all", async () => {
  const endless = endlessServer();
  await using _server = endless.server;
  const error = await boundedFetch(endless.url, { maxBytes: 2 * MiB }).catch((e) => e);
  assertCode(error, "too_large", /larger than 2 MiB; refused while streaming/);
  // The server was asked for little more than the limit (socket buffers), never 300 MiB.
  assert.ok(endless.pulled() < 16 * MiB, `server produced ${endless.pulled()} bytes`);
});

Deno.test("boundedFetch() refuses a declared Content-Length over the limit", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(new Uint8Array(3 * MiB)),
  );
  const error = await boundedFetch(`http://127.0.0.1:${server.addr.port}/`, { maxBytes: MiB })
    .catch((e) => e);
  assertCode(error, "too_large", /larger than 1 MiB/);
});

Deno.test("boundedFetch() times out a registry that never answers", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // accepts, never answers
  })();
  try {
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/index.json`;
    const error = await boundedFetch(url, { maxBytes: MiB, timeoutMs: 300 }).catch((e) => e);
    assertCode(error, "registry_timeout", /did not answer within 300 ms/);
    const viaIndex = await loadIndex(url, { timeoutMs: 300 }).catch((e) => e);
    assertCode(viaIndex, "registry_timeout");
  } finally {
    listener.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
  }
});

Deno.test("boundedFetch() times out a body that stalls after the headers", async () => {
  const stalled = Promise.withResolvers<void>();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        new ReadableStream({
          async start(c) {
            c.enqueue(new TextEncoder().encode('{"format":'));
            await stalled.promise; // never sends the rest until the test ends
            c.close();
          },
        }),
      ),
  );
  try {
    const error = await boundedFetch(`http://127.0.0.1:${server.addr.port}/`, {
      maxBytes: MiB,
      timeoutMs: 300,
    }).catch((e) => e);
    assertCode(error, "registry_timeout", /stopped sending/);
  } finally {
    stalled.resolve();
  }
});

Deno.test("boundedFetch() reports HTTP errors with the problem detail, unreachable hosts clearly", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ detail: "no such plugin" }, { status: 404 }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/x`;
  assertCode(
    await boundedFetch(url, { maxBytes: MiB }).catch((e) => e),
    "registry_http",
    /404: no such plugin/,
  );
  const passed = await boundedFetch(url, { maxBytes: MiB, passStatuses: [404] });
  assert.equal(passed.status, 404);
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  assertCode(
    await boundedFetch(`http://127.0.0.1:${port}/`, { maxBytes: MiB }).catch((e) => e),
    "registry_unreachable",
  );
});
