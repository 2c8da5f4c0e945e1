/** Events end to end: envelopes, wait, wildcards, idempotent ids, system events, over TCP and the socket. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { createToken, installFixtures, OPTS, socketJson, tcpJson, waitFor } from "./_helpers.ts";

const base = { specversion: "1.0", source: "/tests" };

Deno.test(
  "events: envelopes, results, wildcards, idempotency and lifecycle events",
  OPTS,
  async (t) => {
    await using daemon = await startDaemon();
    await installFixtures(daemon, ["hk-counter"]);

    await t.step("bad envelopes get 400 problem+json naming each problem", async () => {
      const missingType = await tcpJson(daemon, "POST", "/v1/events", { ...base, data: {} });
      assert.equal(missingType.status, 400);
      assert.equal(missingType.headers.get("content-type"), "application/problem+json");
      assert.ok(missingType.body.problems.some((p: { field: string }) => p.field === "type"));

      const badId = await tcpJson(daemon, "POST", "/v1/events", {
        ...base,
        type: "load.test",
        id: "has spaces",
        specversion: "0.3",
      });
      assert.equal(badId.status, 400);
      const fields = badId.body.problems.map((p: { field: string }) => p.field).sort();
      assert.deepEqual(fields, ["id", "specversion"]);

      const badType = await tcpJson(daemon, "POST", "/v1/events", { ...base, type: "Load.Test" });
      assert.equal(badType.status, 400);

      const notJson = await daemon.fetch("/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"specversion":"1.0","data":',
      });
      assert.equal(notJson.status, 400);
      assert.match((await notJson.json()).detail, /not valid JSON/);

      const xml = await tcpJson(daemon, "POST", "/v1/events", {
        ...base,
        type: "load.test",
        datacontenttype: "application/xml",
      });
      assert.equal(xml.status, 400);

      const big = await daemon.fetch("/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...base, type: "load.test", data: "x".repeat(1024 * 1024 + 10) }),
      });
      assert.equal(big.status, 413);
      await big.body?.cancel();

      const reserved = await tcpJson(daemon, "POST", "/v1/events", {
        ...base,
        type: "plugin.enabled",
      });
      assert.equal(reserved.status, 403);
      assert.match(reserved.body.detail, /reserved/);
    });

    await t.step("202 {id} after persisting; GET /v1/events/{id} shows the result", async () => {
      const r = await tcpJson(daemon, "POST", "/v1/events", {
        ...base,
        type: "load.test",
        data: 1,
      });
      assert.equal(r.status, 202);
      assert.match(r.body.id, /^[0-9A-Z]{26}$/);
      const view = await waitFor(async () => {
        const v = await tcpJson(daemon, "GET", `/v1/events/${r.body.id}`);
        return v.body.status === "completed" ? v.body : null;
      }, "event completed");
      assert.equal(view.type, "load.test");
      assert.equal(view.results.length, 1);
      assert.equal(view.results[0].plugin, "hk-counter");
      assert.equal(view.results[0].status, "ok");
      assert.deepEqual(view.results[0].result, { stored: r.body.id });
      assert.equal((await tcpJson(daemon, "GET", "/v1/events/nope")).status, 404);
    });

    await t.step("?wait=true over the socket answers with per-plugin results", async () => {
      const r = await socketJson(daemon, "POST", "/v1/events?wait=true", {
        ...base,
        type: "wild.deep.name",
        data: { app: "web" },
        tenant: "acme",
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.results.length, 1);
      const [res] = r.body.results;
      assert.equal(res.plugin, "hk-counter");
      assert.equal(res.hook, "wild.*");
      assert.equal(res.status, "ok");
      assert.equal(typeof res.duration_ms, "number");
      assert.deepEqual(res.result, {
        type: "wild.deep.name",
        source: "/tests",
        data: { app: "web" },
      });
    });

    await t.step("wildcards do not match the bare prefix or other types", async () => {
      for (const type of ["wild", "wilder.x", "other.event"]) {
        const r = await socketJson(daemon, "POST", "/v1/events?wait=true", { ...base, type });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.results, [], type);
      }
    });

    await t.step(
      "a duplicate id is acknowledged, not dispatched twice, and shows no results",
      async () => {
        const event = { ...base, type: "load.test", id: "dup-1", data: { n: 1 } };
        const first = await socketJson(daemon, "POST", "/v1/events?wait=true", event);
        assert.equal(first.status, 200);
        assert.equal(first.body.duplicate, false);
        const again = await socketJson(daemon, "POST", "/v1/events?wait=true", event);
        assert.equal(again.body.id, "dup-1");
        assert.equal(again.body.duplicate, true);
        // A re-post never answers with the stored results: they may be another emitter's.
        assert.equal(again.body.results, undefined);
        const stored = await socketJson(daemon, "GET", "/v1/events/dup-1");
        assert.equal(stored.body.results[0].attempts, 1, "not dispatched twice");
        const concurrent = await Promise.all(
          Array.from(
            { length: 10 },
            () => socketJson(daemon, "POST", "/v1/events", { ...event, id: "dup-2" }),
          ),
        );
        assert.equal(
          concurrent.filter((r) => r.body.duplicate === false).length,
          1,
        );
        const view = await waitFor(async () => {
          const v = await socketJson(daemon, "GET", "/v1/events/dup-2");
          return v.body.status === "completed" ? v.body : null;
        }, "dup-2 completed");
        assert.equal(view.results.length, 1);
        assert.equal(view.results[0].attempts, 1);
      },
    );

    await t.step("scopes: emitter may emit, reader may not; reader may read events", async () => {
      const emitter = await createToken(daemon, "emitter");
      const reader = await createToken(daemon, "reader");
      const ok = await tcpJson(daemon, "POST", "/v1/events", { ...base, type: "x.y" }, emitter);
      assert.equal(ok.status, 202);
      const no = await tcpJson(daemon, "POST", "/v1/events", { ...base, type: "x.y" }, reader);
      assert.equal(no.status, 403);
      const read = await tcpJson(daemon, "GET", `/v1/events/${ok.body.id}`, undefined, reader);
      assert.equal(read.status, 200);
    });

    await t.step(
      "plugin emits are limited to its emit permission; source is /plugins/<id>",
      async () => {
        const allowed = await socketJson(daemon, "POST", "/v1/plugins/hk-counter/routes/emit", {
          type: "hk.done",
          data: { x: 1 },
        });
        assert.equal(allowed.body.ok, true, JSON.stringify(allowed.body));
        const event = await socketJson(daemon, "GET", `/v1/events/${allowed.body.id}`);
        assert.equal(event.body.source, "/plugins/hk-counter");
        assert.deepEqual(event.body.event.data, { x: 1 });

        const denied = await socketJson(daemon, "POST", "/v1/plugins/hk-counter/routes/emit", {
          type: "other.thing",
        });
        assert.equal(denied.body.ok, false);
        assert.match(denied.body.message, /not permitted/);
        const reserved = await socketJson(daemon, "POST", "/v1/plugins/hk-counter/routes/emit", {
          type: "plugin.enabled",
        });
        assert.equal(reserved.body.ok, false);
        const view = await socketJson(daemon, "GET", "/v1/plugins/hk-counter");
        assert.ok(view.body.stats.emit_denied >= 2);
      },
    );

    await t.step(
      "lifecycle events flow through the bus (plugin.* subscribers get them)",
      async () => {
        await installFixtures(daemon, ["hk-beta"]);
        await socketJson(daemon, "POST", "/v1/plugins/hk-beta/disable");
        const keys = await waitFor(async () => {
          const r = await socketJson(
            daemon,
            "GET",
            "/v1/plugins/hk-counter/routes/seen?prefix=sys:",
          );
          const k: string[] = r.body.keys;
          return k.includes("sys:plugin.disabled:hk-beta") ? k : null;
        }, "plugin.disabled reached hk-counter");
        assert.ok(keys.includes("sys:plugin.enabled:hk-beta"), keys.join());
      },
    );

    await t.step("curl --unix-socket posts an event file", async () => {
      const file = await Deno.makeTempFile({ suffix: ".json" });
      await Deno.writeTextFile(file, JSON.stringify({ ...base, type: "load.test", id: "curl-1" }));
      const out = await new Deno.Command("curl", {
        args: [
          "-sS",
          "--unix-socket",
          daemon.socketPath,
          "-H",
          "content-type: application/json",
          "http://plugd/v1/events?wait=true",
          "-d",
          `@${file}`,
        ],
      }).output();
      await Deno.remove(file);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const body = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.equal(body.id, "curl-1");
      assert.equal(body.results[0].status, "ok");
    });
  },
);
