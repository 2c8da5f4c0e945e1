import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { startReceiver } from "./_receiver.ts";
import { runPlugdInProcess } from "../helpers/plugd_cli.ts";

async function cli(
  socket: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const run = await runPlugdInProcess([...args, "--socket", socket]);
  return { code: run.code, out: run.stdout, err: run.stderr };
}

Deno.test("plugd webhook add|list|test|deliveries|rotate|remove round trip", async () => {
  await using rx = startReceiver(() => new Response("thanks"));
  await using d = await startDaemon({ env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
  const s = d.socketPath;
  const noEvent = await cli(s, "webhook", "add", `${rx.url}/x`);
  assert.equal(noEvent.code, 2, noEvent.err);
  const add = await cli(
    s,
    "webhook",
    "add",
    `${rx.url}/x`,
    "--event",
    "deployment.*",
    "--event",
    "backup.done",
    "--name",
    "ci",
    "--json",
  );
  assert.equal(add.code, 0, add.err);
  const hook = JSON.parse(add.out);
  assert.deepEqual(hook.event_types, ["deployment.*", "backup.done"]);
  assert.match(hook.secret, /^whsec_/);
  const human = await cli(s, "webhook", "list");
  assert.match(human.out, /ID\s+NAME\s+URL/);
  assert.match(human.out, new RegExp(hook.id));
  const test = await cli(s, "webhook", "test", hook.id);
  assert.equal(test.code, 0, test.out + test.err);
  assert.match(test.out, /: 200 in \d+ ms/);
  const deliveries = await cli(s, "webhook", "deliveries", hook.id, "--json");
  assert.equal(JSON.parse(deliveries.out).deliveries[0].status, "delivered");
  const rotate = await cli(s, "webhook", "rotate", hook.id);
  assert.match(rotate.out, /secret: whsec_/);
  const bad = await cli(s, "webhook", "add", "ftp://x/", "--event", "a.b");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /http or https/);
  const remove = await cli(s, "webhook", "remove", hook.id);
  assert.equal(remove.code, 0, remove.err);
  const empty = await cli(s, "webhook", "list", "--json");
  assert.deepEqual(JSON.parse(empty.out).webhooks, []);
});
