import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { PluginStartError } from "../../src/runtime/mod.ts";
import { fixture, OPTS } from "./_helpers.ts";

Deno.test("plugin handshake and action/filter/gate/route/cron round trips", OPTS, async () => {
  await using p = await startPlugin(fixture("echo"));
  assert.deepEqual(await p.filter("text.upper", { text: "hi", n: 1 }), { text: "HI", n: 1 });
  assert.deepEqual(await p.gate("deploy.check", { app: "web" }), { allow: true });
  assert.deepEqual(await p.gate("deploy.check", { app: "db" }), {
    allow: false,
    reason: "only web",
  });
  const out = await p.emit("test.ping", { a: 1 }) as Record<string, unknown>;
  assert.equal(out.seen, "test.ping");
  assert.deepEqual(out.stored, { a: 1 });
  assert.equal(p.host.emitted[0]?.type, "echo.pong");
  assert.equal(p.host.emitted[0]?.pluginId, "echo");
  const res = await p.route("POST", "/echo?q=7", { body: "yo", headers: { "x-test": "t" } });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { method: "POST", body: "yo", q: "7", h: "t" });
  assert.equal(await (await p.route("GET", "/hello")).text(), "hello");
  await p.cron("tick");
  assert.equal(p.host.storage.get("echo")?.get("ticked"), true);
  const health = await p.supervisor.invoke("echo", "health", "health");
  assert.deepEqual(health, { status: "healthy", id: "echo", cwd: true });
  assert.ok(p.logs.some((l) => l.stream === "sdk" && l.msg.startsWith("console is redirected")));
  assert.ok(p.logs.some((l) => l.msg === "pinged" && l.fields?.id));
  const stats = await p.stats();
  assert.equal(stats.state, "running");
  assert.ok(stats.rssBytes! > 0);
  assert.equal(stats.protocolViolations, 0);
});

Deno.test(
  "a hook in the manifest missing from the module (and the reverse) fails start",
  OPTS,
  async () => {
    const err = await assert.rejects(startPlugin(fixture("mismatch")), PluginStartError) as unknown;
    void err;
    await startPlugin(fixture("mismatch")).catch((e: PluginStartError) => {
      assert.equal(e.reason, "handlers");
      assert.match(e.message, /filter "declared\.only" is declared in plugin\.yaml/);
      assert.match(e.message, /filter "module\.only" is defined by the module/);
    });
  },
);

Deno.test("a plugin built with a newer @plugd/sdk is refused at the handshake", OPTS, async () => {
  await assert.rejects(
    startPlugin(fixture("newsdk")),
    (e: PluginStartError) =>
      e.reason === "sdk" &&
      /built with @plugd\/sdk 99\.0\.0 but this plugd provides/.test(e.message),
  );
});

Deno.test("a protocol version mismatch is refused with a clear message", OPTS, async () => {
  await assert.rejects(
    startPlugin(fixture("oldproto")),
    (e: PluginStartError) => e.reason === "protocol" && /speaks protocol 99/.test(e.message),
  );
});
