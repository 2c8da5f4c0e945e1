/**
 * Issue 22, "Smaller": SIGTERM with an open log follower and a 20 s plugin route in progress
 * drains and exits 0 within the stop deadline (the follower is told why its stream ended).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { call, fixture, installEnable, OPTS, textWithin, waitFor } from "./_helpers.ts";

Deno.test("SIGTERM with an open follower and a slow route exits 0", OPTS, async () => {
  await using d = await startDaemon();
  await installEnable(d, fixture("chatty"));
  await installEnable(d, fixture("slow-route"));
  const follower = await d.fetch("/v1/plugins/chatty/logs?follow=true");
  assert.equal(follower.status, 200);
  const followed = textWithin(follower);
  const slow = d.fetch("/v1/plugins/slow-route/routes/slow").then(
    (r) => r.status,
    () => "cut",
  );
  await waitFor(async () => {
    const r = await call(d, "GET", "/v1/plugins/slow-route/logs");
    return r.body.lines.some((l: { msg: string }) => l.msg === "slow route started");
  }, "the slow route to be in progress");
  const started = Date.now();
  const code = await d.stop();
  console.log(`stopped in ${Date.now() - started} ms; the slow route answered: ${await slow}`);
  assert.equal(code, 0, d.log());
  assert.match(await followed, /event: end\ndata: \{"reason":"the daemon is stopping"\}/);
  assert.match(d.log(), /stopped/);
});
