/**
 * Issue 22, findings 1 and 8: log followers are bounded (a client that never reads costs at most
 * its buffer and is cut off), streams are limited per token, and a stream ends when its token is
 * revoked or expires.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import {
  call,
  fixture,
  installEnable,
  OPTS,
  rawConnect,
  readUntilClosed,
  rssMiB,
  textWithin,
  token,
  waitFor,
} from "./_helpers.ts";

const FOLLOWERS = 16;

Deno.test(
  "log followers that never read neither grow the daemon's memory nor stay open",
  OPTS,
  async () => {
    await using d = await startDaemon();
    const readers = [];
    for (let i = 0; i < FOLLOWERS / 4; i++) readers.push(await token(d, "reader"));
    await installEnable(d, fixture("chatty"));
    await waitFor(
      async () => (await call(d, "GET", "/v1/plugins/chatty/logs")).body.lines.length > 50,
      "chatty to log",
    );
    const before = await rssMiB(d.process.pid);
    const request = (secret: string) =>
      `GET /v1/plugins/chatty/logs?follow=true HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: Bearer ${secret}\r\n\r\n`;
    const followers: Deno.TcpConn[] = [];
    for (let i = 0; i < FOLLOWERS; i++) {
      followers.push(await rawConnect(d, request(readers[i % readers.length]!.secret)));
    }
    // They never read. chatty logs ~1.6 MB/s (200 lines/s of 8 KB): ~100 MB per follower a minute.
    let peak = before;
    const end = Date.now() + 8000;
    while (Date.now() < end) {
      peak = Math.max(peak, await rssMiB(d.process.pid));
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`daemon RSS before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`);
    assert.ok(peak - before < 150, `RSS grew by ${(peak - before).toFixed(0)} MiB`);
    // Each was cut off: reading now drains what the kernel buffered, then the end.
    for (const conn of followers) {
      assert.match((await readUntilClosed(conn)).slice(0, 200), /^HTTP\/1\.1 200/, "a stream");
    }
    const health = await d.fetch("/v1/health");
    assert.equal(health.status, 200);
    await health.body?.cancel();
  },
);

Deno.test(
  "a token may hold only so many streams; a revoked token's stream ends",
  OPTS,
  async () => {
    await using d = await startDaemon();
    await installEnable(d, fixture("chatty"));
    const reader = await token(d, "reader");
    const open = () =>
      d.fetch("/v1/plugins/chatty/logs?follow=true", {
        headers: { authorization: `Bearer ${reader.secret}` },
      });
    const streams: Response[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await open();
      assert.equal(res.status, 200);
      streams.push(res);
    }
    const refused = await open();
    assert.equal(refused.status, 429);
    assert.match((await refused.json()).detail, /At most 8 streams/);
    for (const s of streams.slice(1)) await s.body?.cancel();

    const revoked = await call(d, "DELETE", `/v1/tokens/${reader.id}`);
    assert.equal(revoked.status, 200);
    const started = Date.now();
    const text = await textWithin(streams[0]!); // the stream ends
    console.log(`stream ended ${Date.now() - started} ms after the revocation`);
    assert.match(text, /event: end\ndata: .*revoked/);
  },
);

Deno.test("a stream ends when its token expires", OPTS, async () => {
  await using d = await startDaemon();
  await installEnable(d, fixture("chatty"));
  const shortLived = await token(d, "reader", { expires_in_s: 2 });
  const res = await d.fetch("/v1/plugins/chatty/logs?follow=true", {
    headers: { authorization: `Bearer ${shortLived.secret}` },
  });
  assert.equal(res.status, 200);
  const text = await textWithin(res);
  assert.match(text, /event: end\ndata: .*expired/);
});
