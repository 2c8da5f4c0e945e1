/** Filters, gates, plugin routes and cron end to end, over TCP and the socket. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { createToken, installFixtures, OPTS, socketJson, tcpJson, waitFor } from "./_helpers.ts";

Deno.test("filters, gates, routes and cron against real plugins", OPTS, async (t) => {
  await using daemon = await startDaemon();
  await installFixtures(daemon, ["hk-alpha", "hk-beta", "hk-broken", "hk-counter"]);

  await t.step("filters run by priority, ties by plugin id, skipping a thrower", async () => {
    const r = await tcpJson(daemon, "POST", "/v1/filters/text.chain", { data: { text: "" } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, { text: "ba" });
    assert.deepEqual(r.body.applied.map((a: { plugin: string }) => a.plugin), [
      "hk-beta",
      "hk-alpha",
    ]);
    assert.equal(r.body.skipped.length, 1);
    assert.equal(r.body.skipped[0].plugin, "hk-broken");
    assert.match(r.body.skipped[0].reason, /^error: .*boom/);
    const tie = await socketJson(daemon, "POST", "/v1/filters/text.tie", { data: { text: ">" } });
    assert.deepEqual(tie.body.data, { text: ">ab" });
  });

  await t.step(
    "a filter returning no value is skipped; no subscribers passes data through",
    async () => {
      const none = await socketJson(daemon, "POST", "/v1/filters/text.none", { data: { a: 1 } });
      assert.deepEqual(none.body.data, { a: 1 });
      assert.match(none.body.skipped[0].reason, /no JSON value/);
      const empty = await socketJson(daemon, "POST", "/v1/filters/no.such", { data: [1, 2] });
      assert.deepEqual(empty.body, { data: [1, 2], applied: [], skipped: [] });
      const bad = await socketJson(daemon, "POST", "/v1/filters/text.chain", { nodata: 1 });
      assert.equal(bad.status, 400);
    },
  );

  await t.step("gates: any deny denies, with every vote and reason", async () => {
    const allowed = await tcpJson(daemon, "POST", "/v1/gates/deploy.check", {
      data: { app: "web" },
    });
    assert.equal(allowed.body.allowed, true);
    assert.equal(allowed.body.votes.length, 2);
    const denied = await tcpJson(daemon, "POST", "/v1/gates/deploy.check", { data: { app: "db" } });
    assert.equal(denied.body.allowed, false);
    const beta = denied.body.votes.find((v: { plugin: string }) => v.plugin === "hk-beta");
    assert.deepEqual(beta, { plugin: "hk-beta", allow: false, reason: "only web deploys today" });
    const none = await socketJson(daemon, "POST", "/v1/gates/nobody.listens", { data: {} });
    assert.deepEqual(none.body, { allowed: true, votes: [], fail_open: false });
  });

  await t.step(
    "a timed-out gate vote denies (fail-closed) until the gate is set fail-open",
    async () => {
      const closed = await socketJson(daemon, "POST", "/v1/gates/deploy.slow", { data: {} });
      assert.equal(closed.body.allowed, false);
      const broken = closed.body.votes.find((v: { plugin: string }) => v.plugin === "hk-broken");
      assert.equal(broken.allow, false);
      assert.equal(broken.failed, true);
      assert.match(broken.reason, /timeout/);

      const policy = await tcpJson(daemon, "PUT", "/v1/gates/deploy.slow/policy", {
        fail_open: true,
      });
      assert.equal(policy.status, 200);
      assert.equal(policy.body.fail_open, true);
      const open = await waitFor(async () => {
        const r = await socketJson(daemon, "POST", "/v1/gates/deploy.slow", { data: {} });
        return r.body.allowed === true ? r.body : null;
      }, "fail-open gate allows");
      assert.equal(open.fail_open, true);
      const vote = open.votes.find((v: { plugin: string }) => v.plugin === "hk-broken");
      assert.equal(vote.failed, true);
      assert.equal(
        (await tcpJson(daemon, "GET", "/v1/gates/deploy.slow/policy")).body.fail_open,
        true,
      );
      const audit = await tcpJson(daemon, "GET", "/v1/audit");
      assert.match(JSON.stringify(audit.body), /gate\.policy/);
    },
  );

  await t.step(
    "routes: 200 with headers and body; credentials never reach the plugin",
    async () => {
      const hello = await daemon.fetch("/v1/plugins/hk-alpha/routes/hello");
      assert.equal(hello.status, 200);
      assert.equal(await hello.text(), "hello from alpha");
      assert.equal(hello.headers.get("x-plugin"), "alpha");
      const echo = await daemon.fetch("/v1/plugins/hk-alpha/routes/echo?q=1&r=two", {
        method: "POST",
        headers: { "x-test": "yes", cookie: "session=secret", "content-type": "text/plain" },
        body: "payload",
      });
      assert.equal(echo.status, 201);
      const body = await echo.json();
      assert.deepEqual(body, {
        method: "POST",
        path: "/echo",
        query: "?q=1&r=two",
        body: "payload",
        authorization: null,
        cookie: null,
        xTest: "yes",
      });
      const param = await socketJson(daemon, "GET", "/v1/plugins/hk-alpha/routes/items/42");
      assert.deepEqual(param.body, { path: "/items/42" });
    },
  );

  await t.step("routes: undeclared 404, unknown plugin 404, reader cannot POST", async () => {
    const undeclared = await daemon.fetch("/v1/plugins/hk-alpha/routes/nope");
    assert.equal(undeclared.status, 404);
    assert.equal(undeclared.headers.get("content-type"), "application/problem+json");
    await undeclared.body?.cancel();
    const wrongMethod = await daemon.fetch("/v1/plugins/hk-alpha/routes/hello", {
      method: "DELETE",
    });
    assert.equal(wrongMethod.status, 404);
    await wrongMethod.body?.cancel();
    const unknown = await daemon.fetch("/v1/plugins/nobody/routes/x");
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const reader = await createToken(daemon, "reader");
    const get = await tcpJson(
      daemon,
      "GET",
      "/v1/plugins/hk-alpha/routes/items/1",
      undefined,
      reader,
    );
    assert.equal(get.status, 200);
    const post = await tcpJson(daemon, "POST", "/v1/plugins/hk-alpha/routes/echo", {}, reader);
    assert.equal(post.status, 403);
  });

  await t.step("routes: a hanging handler is 504, a crashing one 502", async () => {
    const hang = await daemon.fetch("/v1/plugins/hk-alpha/routes/hang");
    assert.equal(hang.status, 504);
    assert.equal(hang.headers.get("content-type"), "application/problem+json");
    await hang.body?.cancel();
    // The timeout restarted the plugin; the next call succeeds once it is back.
    await waitFor(async () => {
      const r = await daemon.fetch("/v1/plugins/hk-alpha/routes/hello");
      await r.body?.cancel();
      return r.status === 200;
    }, "hk-alpha back after the timeout");
    const crash = await daemon.fetch("/v1/plugins/hk-alpha/routes/crash");
    assert.equal(crash.status, 502);
    await crash.body?.cancel();
  });

  await t.step("cron: a per-second job runs and reports its last run", async () => {
    const job = await waitFor(async () => {
      const r = await socketJson(daemon, "GET", "/v1/plugins/hk-counter");
      const tick = r.body.cron?.find((j: { name: string }) => j.name === "tick");
      return tick && tick.runs >= 2 && tick.last_status === "ok" ? tick : null;
    }, "two cron runs");
    assert.equal(job.schedule, "* * * * * *");
    assert.equal(typeof job.last_run_at, "string");
    assert.equal(typeof job.next_run_at, "string");
    const seen = await socketJson(daemon, "GET", "/v1/plugins/hk-counter/routes/seen");
    assert.ok(seen.body.ticks >= 2);
    await socketJson(daemon, "POST", "/v1/plugins/hk-counter/disable");
    const after = await socketJson(daemon, "GET", "/v1/plugins/hk-counter");
    assert.deepEqual(after.body.cron, []);
  });
});
