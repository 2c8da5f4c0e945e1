/**
 * CloudEvents' batched content mode on POST /v1/events, over the real socket and TCP: ids in
 * order, every event stored and delivered like a single one, a bad event refusing the whole
 * batch by its index, limits, wait=true refused, and the TCP rate limit counting every event.
 */
import assert from "node:assert/strict";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { createToken, installFixtures, type Json, OPTS, socketJson, waitFor } from "./_helpers.ts";

const BATCH = "application/cloudevents-batch+json";
const base = { specversion: "1.0", source: "/tests" };

async function postBatch(
  daemon: TestDaemon,
  body: unknown,
  options: { query?: string; token?: string; raw?: string } = {},
): Promise<{ status: number; body: Json; type: string | null }> {
  const init: RequestInit = {
    method: "POST",
    headers: {
      "content-type": `${BATCH}; charset=utf-8`,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.raw ?? JSON.stringify(body),
  };
  const path = `/v1/events${options.query ?? ""}`;
  const res = options.token ? await daemon.fetch(path, init) : await daemon.fetchSocket(path, init);
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : null,
    type: res.headers.get("content-type"),
  };
}

async function storedCount(daemon: TestDaemon, type: string): Promise<number> {
  const page = await socketJson(daemon, "GET", `/v1/events?type=${type}&limit=500`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return (page.body.events as unknown[]).length;
}

Deno.test(
  "events batch: accepted in order, stored and delivered like single events",
  OPTS,
  async (t) => {
    await using daemon = await startDaemon({ env: { PLUGD_RATE_LIMIT: "50:10" } });
    await installFixtures(daemon, ["hk-counter"]);

    await t.step("202 with the ids in order; each event reaches the subscriber", async () => {
      const events = [
        { ...base, type: "load.test", id: "b-1", data: { n: 1 } },
        { ...base, type: "load.test", data: { n: 2 } }, // id generated
        { ...base, type: "batch.nosub", id: "b-3" },
      ];
      const r = await postBatch(daemon, events);
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.ids.length, 3);
      assert.equal(r.body.ids[0], "b-1");
      assert.match(r.body.ids[1], /^[0-9A-Z]{26}$/);
      assert.equal(r.body.ids[2], "b-3");
      assert.deepEqual(r.body.duplicates, []);
      // Stored before the 202: readable at once, with its delivery row.
      const first = await socketJson(daemon, "GET", "/v1/events/b-1");
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.event.data, { n: 1 });
      const seen = await waitFor(async () => {
        const s = await socketJson(daemon, "GET", "/v1/plugins/hk-counter/routes/seen");
        const keys: string[] = s.body.keys;
        return keys.includes("seen:b-1") && keys.includes(`seen:${r.body.ids[1]}`) ? keys : null;
      }, "both load.test events delivered");
      assert.ok(!seen.includes("seen:b-3"));
    });

    await t.step(
      "ids already accepted are reported as duplicates and not delivered again",
      async () => {
        const r = await postBatch(daemon, [
          { ...base, type: "load.test", id: "b-1" },
          { ...base, type: "load.test", id: "b-4" },
          { ...base, type: "load.test", id: "b-4" },
        ]);
        assert.equal(r.status, 202, JSON.stringify(r.body));
        assert.deepEqual(r.body.ids, ["b-1", "b-4", "b-4"]);
        assert.deepEqual(r.body.duplicates, ["b-1", "b-4"]);
        const view = await waitFor(async () => {
          const v = await socketJson(daemon, "GET", "/v1/events/b-4");
          return v.body.status === "completed" ? v.body : null;
        }, "b-4 completed");
        assert.equal(view.results.length, 1);
        assert.equal(view.results[0].attempts, 1);
        const again = await socketJson(daemon, "GET", "/v1/events/b-1");
        assert.equal(again.body.results[0].attempts, 1, "b-1 not dispatched twice");
      },
    );

    await t.step("one bad event refuses the whole batch, naming its index", async () => {
      const r = await postBatch(daemon, [
        { ...base, type: "refused.batch", id: "r-1" },
        { ...base, type: "refused.batch", id: "r-2" },
        { ...base, type: "Bad.Type", id: "r-3" },
      ]);
      assert.equal(r.status, 400);
      assert.equal(r.type, "application/problem+json");
      assert.equal(r.body.index, 2);
      assert.match(r.body.detail, /^Event 2 of the batch: .*type/);
      assert.ok(r.body.problems.some((p: { field: string }) => p.field === "type"));
      const reserved = await postBatch(daemon, [{ ...base, type: "refused.batch" }, {
        ...base,
        type: "plugin.enabled",
      }]);
      assert.equal(reserved.status, 403);
      assert.equal(reserved.body.index, 1);
      assert.equal(
        await storedCount(daemon, "refused.batch"),
        0,
        "nothing of a refused batch stored",
      );
      assert.equal((await socketJson(daemon, "GET", "/v1/events/r-1")).status, 404);
    });

    await t.step("bodies that are not a batch, empty or too many events are refused", async () => {
      const object = await postBatch(daemon, { ...base, type: "load.test" });
      assert.equal(object.status, 400);
      assert.match(object.body.detail, /JSON array of CloudEvents/);
      const empty = await postBatch(daemon, []);
      assert.equal(empty.status, 400);
      assert.match(empty.body.detail, /empty/);
      const tooMany = await postBatch(
        daemon,
        Array.from({ length: 1001 }, () => ({ ...base, type: "refused.batch" })),
      );
      assert.equal(tooMany.status, 413);
      assert.equal(tooMany.body.max_events, 1000);
      const notJson = await postBatch(daemon, null, { raw: "[{" });
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.detail, /not valid JSON/);
      // An array sent as plain JSON is told how to send a batch.
      const plain = await socketJson(daemon, "POST", "/v1/events", [{ ...base, type: "x.y" }]);
      assert.equal(plain.status, 400);
      assert.match(plain.body.detail, /application\/cloudevents-batch\+json/);
      assert.equal(await storedCount(daemon, "refused.batch"), 0);
    });

    await t.step("wait=true is refused for a batch with a clear problem", async () => {
      const r = await postBatch(daemon, [{ ...base, type: "refused.batch" }], {
        query: "?wait=true",
      });
      assert.equal(r.status, 400);
      assert.match(r.body.detail, /wait=true is not available for a batch/);
    });

    await t.step("a full batch of 1000 is stored before its 202", async () => {
      const events = Array.from({ length: 1000 }, (_, i) => ({
        ...base,
        type: "big.batch",
        id: `big-${i}`,
        data: { i },
      }));
      const r = await postBatch(daemon, events);
      assert.equal(r.status, 202, JSON.stringify(r.body).slice(0, 300));
      assert.deepEqual(r.body.ids, events.map((e) => e.id));
      const count = await daemon.fetchSocket("/v1/events?type=big.batch&limit=500");
      assert.equal(((await count.json()).events as unknown[]).length, 500);
      assert.equal((await socketJson(daemon, "GET", "/v1/events/big-999")).status, 200);
    });

    await t.step(
      "over TCP, an emitter token's rate limit counts every event of a batch",
      async () => {
        const token = await createToken(daemon, "emitter"); // PLUGD_RATE_LIMIT 50:10
        const over = await postBatch(
          daemon,
          Array.from({ length: 11 }, () => ({ ...base, type: "tcp.batch" })),
          { token },
        );
        assert.equal(over.status, 429);
        assert.match(over.body.detail, /counts as 11 requests.*burst of 10/);
        const ok = await postBatch(
          daemon,
          Array.from({ length: 5 }, () => ({ ...base, type: "tcp.batch" })),
          { token },
        );
        assert.equal(ok.status, 202, JSON.stringify(ok.body));
        assert.equal(ok.body.ids.length, 5);
        const reader = await createToken(daemon, "reader");
        const refused = await postBatch(daemon, [{ ...base, type: "tcp.batch" }], {
          token: reader,
        });
        assert.equal(refused.status, 403);
      },
    );

    await t.step("plugd emit --batch sends a file of events in batches of 1,000", async () => {
      const dir = await Deno.makeTempDir({ prefix: "plugd-batch-cli-" });
      try {
        const ndjson = `${dir}/events.ndjson`;
        await Deno.writeTextFile(
          ndjson,
          Array.from(
            { length: 1500 },
            (_, i) => JSON.stringify({ type: "cli.batch", id: `c-${i}` }),
          )
            .join("\n") + "\n",
        );
        const r = await runPlugd([
          "emit",
          "--batch",
          ndjson,
          "--json",
          "--socket",
          daemon.socketPath,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.ids.length, 1500);
        assert.equal(out.ids[1499], "c-1499");
        const last = await socketJson(daemon, "GET", "/v1/events/c-1499");
        assert.equal(last.body.source, "/cli");
        const array = `${dir}/bad.json`;
        await Deno.writeTextFile(array, JSON.stringify([{ type: "cli.batch" }, { type: "Bad" }]));
        const bad = await runPlugd(["emit", "--batch", array, "--socket", daemon.socketPath]);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /events 0-1 of .*refused: Event 1 of the batch/);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
);
