import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";

Deno.test("over the rate limit a token gets 429 with Retry-After; the socket is not limited", async () => {
  // 0.1 requests/s with a burst of 3: the 4th request is limited unless 10 s pass meanwhile.
  await using daemon = await startDaemon({ env: { PLUGD_RATE_LIMIT: "0.1:3" } });
  const statuses: number[] = [];
  let limited: Response | undefined;
  for (let i = 0; i < 4; i++) {
    const res = await daemon.fetch("/v1/audit?limit=1");
    statuses.push(res.status);
    if (res.status === 429) limited = res;
    else await res.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  assert.ok(Number(limited!.headers.get("retry-after")) >= 1);
  assert.equal(limited!.headers.get("content-type"), "application/problem+json");
  assert.match((await limited!.json()).detail, /Rate limit/);
  for (let i = 0; i < 5; i++) {
    const res = await daemon.fetchSocket("/v1/audit?limit=1");
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
});

Deno.test("a wrong method on a known path answers 405 with Allow; unknown paths 404", async () => {
  await using daemon = await startDaemon();
  const res = await daemon.fetch("/v1/tokens", { method: "PATCH" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
  assert.match((await res.json()).detail, /PATCH is not allowed on \/v1\/tokens/);
  const del = await daemon.fetch("/v1/tokens/abc", { method: "GET" });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get("allow"), "DELETE");
  await del.body?.cancel();
  const missing = await daemon.fetch("/v1/nothing-here");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("bodies over 1 MiB get 413, with content-length and chunked", async () => {
  await using daemon = await startDaemon();
  const big = new Uint8Array(1024 * 1024 + 1).fill(0x20);
  const sized = await daemon.fetch("/v1/tokens", { method: "POST", body: big });
  assert.equal(sized.status, 413);
  assert.equal(sized.headers.get("content-type"), "application/problem+json");
  await sized.body?.cancel();
  const chunks = 20;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < chunks; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      controller.close();
    },
  });
  const chunked = await daemon.fetch("/v1/tokens", { method: "POST", body: stream });
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
  const small = await daemon.fetch("/v1/tokens", {
    method: "POST",
    body: new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"scope":"reader"}'));
        c.close();
      },
    }),
  });
  assert.equal(small.status, 201, "a small chunked body still works");
  await small.body?.cancel();
});
