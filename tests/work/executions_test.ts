/**
 * Execution records end to end: a real sandboxed plugin with a handler of every kind and a
 * canary secret in its config; every call leaves a record, and no record shows the secret.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import {
  allExecutions,
  installAndEnable,
  type Json,
  OPTS,
  socketJson,
  waitFor,
  workFixture,
} from "./_work.ts";

const CANARY = "canary-5e1f0c9d-secret";

Deno.test(
  "every kind of call leaves an execution record, with the secret redacted",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    await installAndEnable(daemon, workFixture("recorder"), { api: { token: CANARY } });

    const ok = await socketJson(daemon, "POST", "/v1/events?wait=true", {
      specversion: "1.0",
      id: "ev-ok",
      source: "/test",
      type: "rec.done",
      data: { note: `carrying ${CANARY}`, token: "also-hidden" },
    });
    assert.equal(ok.body.results[0].status, "ok");
    const bad = await socketJson(daemon, "POST", "/v1/events?wait=true", {
      specversion: "1.0",
      id: "ev-bad",
      source: "/test",
      type: "rec.fail",
      data: { fail: true },
    });
    assert.equal(bad.body.results[0].status, "error");
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/filters/rec.shape", { data: { a: 1 } })).status,
      200,
    );
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/gates/rec.check", { data: {} })).status,
      200,
    );
    const route = await daemon.fetchSocket("/v1/plugins/recorder/routes/echo", {
      method: "POST",
      headers: { authorization: `Bearer ${CANARY}` },
      body: `hello ${CANARY}`,
    });
    assert.equal(route.status, 200);
    await route.body?.cancel();
    const command = await daemon.fetchSocket("/v1/plugins/recorder/commands/say", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ args: ["hi", CANARY] }),
    });
    await command.text();
    const config = await socketJson(daemon, "PUT", "/v1/plugins/recorder/config", { label: "x" });
    assert.equal(config.status, 200);

    const kinds = ["action", "filter", "gate", "route", "cron", "command", "lifecycle"];
    let records: Json[] = [];
    await waitFor(
      async () => {
        records = await allExecutions(daemon, "plugin=recorder");
        return kinds.every((k) => records.some((r) => r.kind === k)) &&
          records.some((r) => r.name === "onConfigChange");
      },
      "a record of every kind",
      30_000,
    );

    for (const r of records) {
      const text = JSON.stringify(r);
      assert.ok(!text.includes(CANARY), `record ${r.kind} ${r.name} shows the secret: ${text}`);
      assert.ok(!text.includes("also-hidden"), `the secret key's value is hidden: ${text}`);
    }
    const action = records.find((r) => r.event_id === "ev-ok")!;
    assert.equal(action.kind, "action");
    assert.equal(action.name, "rec.*");
    assert.equal(action.status, "ok");
    assert.equal(action.attempt, 1);
    assert.match(action.input, /carrying \*{8}/);
    assert.match(action.output, /"leak":"\*{8}"/);
    const failed = records.find((r) => r.event_id === "ev-bad")!;
    assert.equal(failed.status, "error");
    assert.match(failed.error, /bad \*{8}/);
    // The input is the event as the plugin got it (stored packed, answered whole).
    const delivered = (await socketJson(daemon, "GET", "/v1/events/ev-bad")).body.event;
    assert.equal(failed.input, JSON.stringify(delivered));
    assert.match(failed.input, /^\{"specversion":"1\.0","id":"ev-bad","source":"\/test","type":/);
    assert.equal(
      (await socketJson(daemon, "GET", `/v1/executions/${failed.id}`)).body.input,
      failed.input,
    );
    const lifecycle = records.filter((r) => r.kind === "lifecycle").map((r) => r.name);
    assert.ok(
      lifecycle.includes("onEnable") && lifecycle.includes("onConfigChange"),
      `${lifecycle}`,
    );
    assert.match(records.find((r) => r.kind === "route")!.input, /hello \*{8}/);
    assert.match(records.find((r) => r.kind === "command")!.input, /"args":\["hi","\*{8}"\]/);

    // Filters on the list: kind, status, a time range, a single record.
    const errors = await socketJson(daemon, "GET", "/v1/executions?plugin=recorder&status=error");
    assert.deepEqual(errors.body.executions.map((r: Json) => r.event_id), ["ev-bad"]);
    const one = await socketJson(daemon, "GET", `/v1/executions/${action.id}`);
    assert.equal(one.body.event_id, "ev-ok");
    const none = await socketJson(daemon, "GET", "/v1/executions?plugin=recorder&until=1000");
    assert.deepEqual(none.body.executions, []);
    const badQuery = await socketJson(daemon, "GET", "/v1/executions?kind=nope");
    assert.equal(badQuery.status, 400);
    assert.match(badQuery.body.detail, /kind="nope" is not one of/);

    // The CLI shows the same records; unknown plugins fail with a reason.
    const env = { PLUGD_SOCKET: daemon.socketPath };
    const history = await runPlugd(["plugin", "history", "recorder", "--status", "error"], env);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /action +rec\.\* +error .*ev-bad/);
    assert.ok(!history.stdout.includes(CANARY));
    const unknown = await runPlugd(["plugin", "history", "nobody"], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /nobody/);

    // The usage rollups saw the same calls (what the console's charts draw).
    await waitFor(async () => {
      const u = await socketJson(daemon, "GET", "/v1/plugins/recorder/usage?since=10m");
      return u.body.totals.calls >= records.length &&
        u.body.handlers.some((h: Json) => h.kind === "filter" && h.name === "rec.shape");
    }, "usage to count the calls");
    const usage = await socketJson(daemon, "GET", "/v1/plugins/recorder/usage?since=10m");
    assert.equal(usage.body.points.length, 11);
    assert.ok(usage.body.totals.errors >= 1);
    assert.ok(usage.body.last_used_at);

    // The plugin's own series (ctx.metrics): in the usage answer and on /metrics; bad names refused.
    await waitFor(async () => {
      const u = await socketJson(daemon, "GET", "/v1/plugins/recorder/usage?since=10m");
      return u.body.metrics.some((m: Json) => m.name === "shaped");
    }, "the plugin's series");
    const mine = (await socketJson(daemon, "GET", "/v1/plugins/recorder/usage?since=10m")).body
      .metrics;
    const shaped = mine.find((m: Json) => m.name === "shaped");
    assert.equal(shaped.type, "count");
    assert.equal(shaped.points.at(-1).sum, 1);
    const keys = mine.find((m: Json) => m.name === "shape.keys");
    assert.deepEqual([keys.type, keys.points.at(-1).max], ["observe", 1]);
    assert.ok(!mine.some((m: Json) => m.name === "Not A Name"));
    const exported = await (await daemon.fetchSocket("/metrics")).text();
    assert.match(exported, /plugd_plugin_custom_count\{plugin="recorder",name="shaped"\} 1/);
    assert.match(exported, /plugd_plugin_custom_refused_total\{plugin="recorder"\} 1/);
  },
);

Deno.test("records past executions.max_rows are trimmed", OPTS, async () => {
  const env = { PLUGD_EXECUTIONS_MAX_ROWS: "100" };
  await using first = await startDaemon({ env });
  await installAndEnable(first, workFixture("recorder"));
  const calls = [];
  for (let i = 0; i < 129; i++) {
    calls.push(socketJson(first, "POST", "/v1/filters/rec.shape", { data: { i } }));
    if (calls.length === 50) await Promise.all(calls.splice(0));
  }
  await Promise.all(calls);
  // The last call alone, so that it is the newest record whatever order the batches ran in.
  await socketJson(first, "POST", "/v1/filters/rec.shape", { data: { i: 129 } });
  await waitFor(async () => {
    const r = await socketJson(first, "GET", "/v1/executions?kind=filter&limit=1");
    return r.body.executions[0]?.input === '{"i":129}';
  }, "the last record to be written");
  assert.equal(await first.stop(), 0);
  // A start trims at once (then every minute).
  await using second = await startDaemon({ stateDir: first.stateDir, env });
  await waitFor(
    async () => (await allExecutions(second, "kind=filter")).length <= 100,
    "the trim",
  );
  const kept = await allExecutions(second, "kind=filter");
  assert.equal(kept[0].input, '{"i":129}', "the newest records stay");
});
