import assert from "node:assert/strict";
import { closeHttpClients, sendRequest } from "./send_request.ts";
import type { ResolvedTarget } from "./ssrf_guard.ts";

/** A raw TCP receiver: `answer(request text, connection number)` writes the reply bytes. */
function rawReceiver(
  answer: (request: string, conn: number, socket: Deno.Conn) => Promise<void>,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const requests: { conn: number; text: string }[] = [];
  const serving = (async () => {
    for await (const socket of listener) {
      const n = conns.push(socket);
      (async () => {
        const buf = new Uint8Array(64 * 1024);
        let text = "";
        try {
          for (;;) {
            const read = await socket.read(buf);
            if (read === null) break;
            text += new TextDecoder().decode(buf.subarray(0, read));
            const end = text.indexOf("\r\n\r\n");
            const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
            if (end >= 0 && text.length >= end + 4 + length) {
              requests.push({ conn: n, text: text.slice(0, end + 4 + length) });
              text = text.slice(end + 4 + length);
              await answer(requests.at(-1)!.text, n, socket);
            }
          }
        } catch { /* closed by the test */ }
      })();
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  const target: ResolvedTarget = {
    url: new URL(`http://hooks.example.test:${port}/in?x=1`),
    address: "127.0.0.1",
    port,
    addressClass: "loopback",
  };
  return {
    target,
    conns,
    requests,
    async [Symbol.asyncDispose]() {
      closeHttpClients();
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await serving;
    },
  };
}

const write = (socket: Deno.Conn, text: string) => socket.write(new TextEncoder().encode(text));
const send = (target: ResolvedTarget, timeoutMs = 10_000, maxBodyBytes?: number) =>
  sendRequest(target, {
    headers: { "webhook-id": "msg_1" },
    body: '{"a":1}',
    timeoutMs,
    maxBodyBytes,
  });

Deno.test("http: the request keeps the URL's host and path; a kept connection is reused", async () => {
  await using r = rawReceiver(async (_req, _n, s) => {
    await write(s, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
  });
  const a = await send(r.target);
  const b = await send(r.target);
  assert.deepEqual([a.status, a.body, b.status, b.body], [200, "ok", 200, "ok"]);
  assert.equal(r.conns.length, 1, "the second request went on the first connection");
  const [line, ...headers] = r.requests[0]!.text.split("\r\n");
  assert.equal(line, "POST /in?x=1 HTTP/1.1");
  assert.ok(headers.includes(`host: hooks.example.test:${r.target.port}`));
  assert.ok(headers.includes("webhook-id: msg_1"));
  assert.ok(r.requests[0]!.text.endsWith('\r\n\r\n{"a":1}'));
});

Deno.test("http: a chunked body is read to its end and cut to maxBodyBytes", async () => {
  await using r = rawReceiver(async (_req, _n, s) => {
    await write(
      s,
      "HTTP/1.1 503 Busy\r\ntransfer-encoding: chunked\r\nretry-after: 7\r\n\r\n" +
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
  });
  const a = await send(r.target, 10_000, 8);
  assert.deepEqual(a, { status: 503, retryAfter: "7", body: "hello wo" });
  await send(r.target);
  assert.equal(r.conns.length, 1, "a chunked response read to its end keeps the connection");
});

Deno.test("http: 'connection: close' and unframed bodies are not reused", async () => {
  await using r = rawReceiver(async (req, _n, s) => {
    if (r.requests.length === 1) {
      await write(s, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    } else await write(s, "HTTP/1.1 200 OK\r\n\r\nuntil the end");
    if (req) s.close();
  });
  assert.equal((await send(r.target)).status, 200);
  const b = await send(r.target);
  assert.equal(b.body, "until the end");
  assert.equal(r.conns.length, 2);
});

Deno.test("http: a kept connection the receiver closed is retried once on a new one", async () => {
  await using r = rawReceiver(async (_req, n, s) => {
    await write(s, "HTTP/1.1 204 No Content\r\n\r\n");
    if (n === 1) s.close(); // closes after answering, without saying so
  });
  assert.equal((await send(r.target)).status, 204);
  assert.equal((await send(r.target)).status, 204);
  assert.equal(r.conns.length, 2);
  assert.equal(r.requests.length, 2, "the request reached the receiver once");
});

Deno.test("http: no answer within the timeout rejects and closes the connection", async () => {
  await using r = rawReceiver(() => new Promise(() => {}));
  await assert.rejects(send(r.target, 200), /timed out after 200 ms/);
});
