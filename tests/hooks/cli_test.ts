/** `plugd emit|filter|gate` against the real daemon over the socket. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, OPTS } from "./_helpers.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";

const plugd = (socket: string, ...args: string[]) => runPlugd([...args, "--socket", socket]);

Deno.test("plugd emit, filter and gate drive the hook bus from a shell", OPTS, async (t) => {
  await using daemon = await startDaemon();
  await installFixtures(daemon, ["hk-beta", "hk-counter"]);
  const sock = daemon.socketPath;

  await t.step("gate exits 0 when allowed and 1 with the reason when denied", async () => {
    const ok = await plugd(sock, "gate", "deploy.check", "--data", '{"app":"web"}');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /allowed/);
    const denied = await plugd(sock, "gate", "deploy.check", "--data", '{"app":"db"}');
    assert.equal(denied.code, 1);
    assert.match(denied.stdout, /DENIED[\s\S]*only web deploys today/);
  });

  await t.step("filter prints the filtered data; --data @file works", async () => {
    const file = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(file, '{"text":"x"}');
    const r = await plugd(sock, "filter", "text.chain", "--data", `@${file}`, "--json");
    await Deno.remove(file);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).data, { text: "xb" });
  });

  await t.step("emit --wait prints per-plugin results; bad JSON is a usage error", async () => {
    const r = await plugd(sock, "emit", "load.test", "--data", "{}", "--wait", "--json");
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.results[0].plugin, "hk-counter");
    assert.equal(body.results[0].status, "ok");
    const bad = await plugd(sock, "emit", "load.test", "--data", "{nope");
    assert.equal(bad.code, 2);
  });
});
