/**
 * Dead letters and replay with a real sandboxed plugin: a delivery that crashes its plugin is
 * tried delivery.crash_retries + 1 times and no more, dead letters are listed with their reason,
 * and an operator redelivers them once the plugin is fixed.
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

const event = (id: string, type: string) => ({
  specversion: "1.0",
  id,
  source: "/test",
  type,
  data: {},
});

Deno.test(
  "a crashing delivery is retried twice, listed as a dead letter, and redelivered",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    await installAndEnable(daemon, workFixture("bomber"));

    const failed = await socketJson(
      daemon,
      "POST",
      "/v1/events?wait=true",
      event("dl-fail", "bomb.fail"),
    );
    assert.equal(failed.body.results[0].status, "error");
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/events", event("dl-crash", "bomb.crash"))).status,
      202,
    );
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/events?wait=true", event("dl-other", "other.thing")))
        .status,
      200,
    );

    let crash: Json = null;
    await waitFor(
      async () => {
        crash = (await socketJson(daemon, "GET", "/v1/events/dl-crash")).body;
        return crash.status === "completed";
      },
      "the crashing delivery to give up",
      60_000,
    );
    assert.equal(crash.results[0].status, "failed");
    assert.equal(crash.results[0].attempts, 3, "the first try and delivery.crash_retries (2) more");
    assert.match(crash.results[0].error, /gave up after 3 attempts: .*crash_retries = 2/);
    await waitFor(
      async () => (await allExecutions(daemon, "event=dl-crash")).length === 3,
      "3 records",
    );
    const attempts = await allExecutions(daemon, "event=dl-crash");
    assert.deepEqual(attempts.map((r) => r.status), ["crashed", "crashed", "crashed"]);
    assert.deepEqual(attempts.map((r) => r.attempt).sort(), [1, 2, 3]);

    // Listed: by status, by type prefix; the dead letters say why.
    const dead = await socketJson(daemon, "GET", "/v1/events?status=dead");
    assert.deepEqual(dead.body.events.map((e: Json) => e.id).sort(), ["dl-crash", "dl-fail"]);
    const letter = dead.body.events.find((e: Json) => e.id === "dl-fail").dead_letters[0];
    assert.equal(letter.plugin, "bomber");
    assert.match(letter.error, /cannot handle dl-fail yet/);
    const bombs = await socketJson(daemon, "GET", "/v1/events?type=bomb.*&limit=1");
    assert.equal(bombs.body.events.length, 1);
    assert.ok(bombs.body.next);
    const next = await socketJson(
      daemon,
      "GET",
      `/v1/events?type=bomb.*&limit=1&cursor=${bombs.body.next}`,
    );
    assert.deepEqual(
      [bombs.body.events[0].id, next.body.events[0].id].sort(),
      ["dl-crash", "dl-fail"],
    );
    const ok = await socketJson(daemon, "GET", "/v1/events?status=ok&type=other.thing");
    assert.deepEqual(ok.body.events.map((e: Json) => e.id), ["dl-other"]);
    assert.equal((await socketJson(daemon, "GET", "/v1/events?status=nope")).status, 400);

    // Refusals: unknown plugin, nothing dead, no body.
    const path = "/v1/events/dl-fail/redeliver";
    assert.equal((await socketJson(daemon, "POST", path, { plugin: "nobody" })).status, 404);
    assert.equal(
      (await socketJson(daemon, "POST", "/v1/events/nope/redeliver", { plugin: "bomber" })).status,
      404,
    );
    const notDead = await socketJson(daemon, "POST", "/v1/events/dl-other/redeliver", {
      plugin: "bomber",
    });
    assert.equal(notDead.status, 409);
    assert.match(notDead.body.detail, /not delivered to "bomber"/);
    assert.equal((await socketJson(daemon, "POST", path, {})).status, 400);

    // Fixed, then redelivered (API and CLI): both succeed and are dead no more.
    const fixed = await socketJson(daemon, "PUT", "/v1/plugins/bomber/config", { mode: "fixed" });
    assert.equal(fixed.status, 200);
    const again = await socketJson(daemon, "POST", path, { plugin: "bomber" });
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.deepEqual(again.body.hooks, ["bomb.*"]);
    const cli = await runPlugd(["event", "redeliver", "dl-crash", "bomber"], {
      PLUGD_SOCKET: daemon.socketPath,
    });
    assert.equal(cli.code, 0, cli.stderr);
    await waitFor(
      async () => {
        const views = await Promise.all(
          ["dl-fail", "dl-crash"].map((id) => socketJson(daemon, "GET", `/v1/events/${id}`)),
        );
        return views.every((v) => v.body.results[0].status === "ok");
      },
      "the redeliveries to succeed",
      30_000,
    );
    const after = await socketJson(daemon, "GET", "/v1/events?status=dead");
    assert.deepEqual(after.body.events, []);
    const twice = await socketJson(daemon, "POST", path, { plugin: "bomber" });
    assert.equal(twice.status, 409, "an ok delivery is not redelivered");
    const audit = await socketJson(daemon, "GET", "/v1/audit?action=event.redeliver");
    assert.deepEqual(audit.body.rows.map((r: Json) => r.target).sort(), ["dl-crash", "dl-fail"]);
    const list = await runPlugd(["event", "list", "--type", "bomb.*"], {
      PLUGD_SOCKET: daemon.socketPath,
    });
    assert.match(list.stdout, /dl-crash +bomb\.crash +ok/);
  },
);
