import assert from "node:assert/strict";
import { RouteBodyTooLargeError, toRoutePayload } from "./plugin_route.ts";

const headers = {
  cookie: "plugd_session=x",
  authorization: "Bearer caller",
  "x-hub-signature-256": "sha256=ab",
  connection: "keep-alive",
};

Deno.test("toRoutePayload() drops cookies always, Authorization unless the route is public", async () => {
  const req = () => new Request("http://h/hooks/p/x?a=1", { method: "POST", headers, body: "hi" });
  const token = await toRoutePayload(req(), "/x");
  assert.deepEqual(token.headers.map(([k]) => k).sort(), ["content-type", "x-hub-signature-256"]);
  const open = await toRoutePayload(req(), "/x", { keepAuthorization: true, params: { a: "b" } });
  assert.deepEqual(open.headers.map(([k]) => k).sort(), [
    "authorization",
    "content-type",
    "x-hub-signature-256",
  ]);
  assert.deepEqual([open.body, open.query, open.params], ["hi", "a=1", { a: "b" }]);
});

Deno.test("toRoutePayload() refuses a body over the limit, declared or streamed", async () => {
  const declared = new Request("http://h/x", { method: "POST", body: "x".repeat(11) });
  await assert.rejects(
    toRoutePayload(declared, "/x", { maxBodyBytes: 10 }),
    RouteBodyTooLargeError,
  );
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(4)); // endless: must stop reading at the limit
    },
  });
  const streamed = new Request("http://h/x", { method: "POST", body: stream });
  await assert.rejects(
    toRoutePayload(streamed, "/x", { maxBodyBytes: 10 }),
    RouteBodyTooLargeError,
  );
});
