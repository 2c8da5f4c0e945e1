import assert from "node:assert/strict";
import { Hono } from "hono";
import { jsonBodyLimit } from "./body_limit.ts";
import { HttpError } from "./problem.ts";

function app(): Hono {
  const app = new Hono();
  app.use(
    "*",
    jsonBodyLimit(10, () => {
      throw new HttpError(413, "too big");
    }) as never,
  );
  app.post("/", async (c) => c.text(String((await c.req.raw.arrayBuffer()).byteLength)));
  app.onError((error) => new Response(error.message, { status: (error as HttpError).status }));
  return app;
}

function chunked(bytes: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes; i++) controller.enqueue(new Uint8Array([0x20]));
      controller.close();
    },
  });
}

Deno.test("jsonBodyLimit judges a body with a content-length by it, and counts a chunked one as it streams", async () => {
  const a = app();
  const sized = (n: number) =>
    a.request("/", {
      method: "POST",
      body: "x".repeat(n),
      headers: { "content-length": String(n) },
    });
  assert.equal(await (await sized(10)).text(), "10");
  assert.equal((await sized(11)).status, 413);
  const streamed = (n: number) => a.request("/", { method: "POST", body: chunked(n) });
  assert.equal(await (await streamed(10)).text(), "10");
  assert.equal((await streamed(11)).status, 413);
  // A declared length with transfer-encoding is not trusted: the body is counted.
  const both = await a.request("/", {
    method: "POST",
    body: chunked(11),
    headers: { "content-length": "1", "transfer-encoding": "chunked" },
  });
  assert.equal(both.status, 413);
});
