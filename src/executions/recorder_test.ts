import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { redactionOf } from "./preview.ts";
import { ExecutionRecorder } from "./recorder.ts";

async function tempStore() {
  const dir = await Deno.makeTempDir({ prefix: "plugd-exec-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  return {
    store,
    [Symbol.asyncDispose]: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("ExecutionRecorder writes records in batches and pages them newest first", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, { writer: { lingerMs: 10 } });
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 120; i++) {
    rec.record(
      { plugin: i % 2 ? "a" : "b", kind: "action", name: "x.y", eventId: `e${i}`, input: { i } },
      {
        status: i % 10 === 0 ? "error" : "ok",
        startedAt: t0 + i,
        durationMs: 1,
        error: i % 10 === 0 ? "boom" : undefined,
      },
    );
  }
  await rec.flush();
  const first = await rec.list({ plugin: "a", limit: 25 });
  assert.equal(first.executions.length, 25);
  assert.equal(first.executions[0]!.input, '{"i":119}');
  const second = await rec.list({ plugin: "a", limit: 25, cursor: first.next! });
  assert.equal(second.executions[0]!.input, '{"i":69}');
  const failed = await rec.list({ status: "error" });
  assert.deepEqual(failed.executions.map((e) => e.event_id), [
    "e110",
    "e100",
    "e90",
    "e80",
    "e70",
    "e60",
    "e50",
    "e40",
    "e30",
    "e20",
    "e10",
    "e0",
  ]);
  assert.equal(failed.next, null);
  await assert.rejects(() => rec.list({ cursor: "nope" }), RangeError);
  await rec.stop();
});

Deno.test("ExecutionRecorder hides a plugin's secrets in previews and errors", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, { writer: { lingerMs: 0 } });
  rec.setSecrets("p", redactionOf(["api/token"], ["canary-7f3e9a"]));
  rec.record(
    { plugin: "p", kind: "filter", name: "f", input: { token: "abc", note: "canary-7f3e9a" } },
    {
      status: "error",
      startedAt: Date.now(),
      durationMs: 2,
      output: "canary-7f3e9a",
      error: "bad canary-7f3e9a",
    },
  );
  await rec.flush();
  const [r] = (await rec.list({})).executions;
  assert.ok(r);
  for (const text of [r.input, r.output, r.error]) {
    assert.ok(!text!.includes("canary-7f3e9a"), text!);
  }
  assert.equal(r.error, "bad ********");
  await rec.stop();
});

Deno.test("trim() keeps at most maxRows and nothing older than the retention", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, {
    retention: { maxRows: 50, days: 1 },
    writer: { lingerMs: 0 },
  });
  const now = Date.now();
  for (let i = 0; i < 80; i++) {
    rec.record({ plugin: "p", kind: "cron", name: "c" }, {
      status: "ok",
      startedAt: now - 1000 + i,
      durationMs: 1,
    });
  }
  rec.record({ plugin: "p", kind: "cron", name: "old" }, {
    status: "ok",
    startedAt: now - 3 * 86_400_000,
    durationMs: 1,
  });
  await rec.flush();
  // 81 rows: ids 1-31 are past the count, the old one (id 81) past the age.
  assert.equal(await rec.trim(now), 32);
  const rs = await db.store.execute("SELECT COUNT(*) AS n, MIN(started_at) AS t FROM executions");
  assert.equal(Number(rs.rows[0]!.n), 49);
  assert.ok(Number(rs.rows[0]!.t) > now - 86_400_000);
  await rec.stop();
});

Deno.test("usage rollups add up across writes and overlay what is not written yet", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, { writer: { lingerMs: 0 } });
  const minute = 60_000;
  const t = Date.now() - (Date.now() % minute) - 5 * minute;
  const call = { plugin: "p", kind: "route" as const, name: "GET /x" };
  for (let i = 1; i <= 10; i++) rec.record(call, { status: "ok", startedAt: t + i, durationMs: i });
  await rec.flush();
  for (let i = 11; i <= 20; i++) {
    rec.record(call, { status: i === 20 ? "timeout" : "ok", startedAt: t + i, durationMs: i });
  }
  await rec.usage.flush();
  rec.record(call, { status: "error", startedAt: t + minute, durationMs: 100 }); // not written
  const u = await rec.usageOf("p", { since: t, until: t + 3 * minute, step: "minute" });
  assert.equal(u.points.length, 3);
  assert.equal(u.points[0]!.calls, 20);
  assert.equal(u.points[0]!.timeouts, 1);
  assert.equal(u.points[0]!.max_ms, 20);
  assert.ok(Math.abs(u.points[0]!.p50_ms! - 10) <= 1.5, `${u.points[0]!.p50_ms}`);
  assert.equal(u.points[1]!.errors, 1);
  assert.equal(u.points[2]!.calls, 0);
  assert.equal(u.totals.calls, 21);
  assert.deepEqual(u.handlers.map((h) => [h.name, h.calls, h.errors, h.last_status]), [[
    "GET /x",
    21,
    2,
    "error",
  ]]);
  assert.equal(u.last_used_at, new Date(t + minute).toISOString());
  await rec.stop();
});

Deno.test("trim() commits nothing when nothing is old, and deletes usage rollups past their retention", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-exec-" });
  let commits = 0;
  const store = await openStore(`file:${dir}/plugd.db`, { onCommit: () => commits++ });
  try {
    const rec = new ExecutionRecorder(store, {
      retention: { maxRows: 50, days: 1, usageDays: 1 },
      writer: { lingerMs: 0 },
    });
    const now = Date.now();
    const call = { plugin: "p", kind: "route" as const, name: "GET /x" };
    rec.record(call, { status: "ok", startedAt: now - 1000, durationMs: 1 });
    await rec.flush();
    await rec.usage.flush();
    const before = commits;
    assert.equal(await rec.trim(now), 0);
    assert.equal(commits, before, "an idle trim makes no commit");
    rec.record(call, { status: "ok", startedAt: now - 3 * 86_400_000, durationMs: 1 });
    await rec.flush();
    await rec.usage.flush();
    const count = async () =>
      Number((await store.execute("SELECT COUNT(*) AS n FROM usage_rollups")).rows[0]!.n);
    const rollups = await count();
    await rec.trim(now);
    assert.ok(commits > before, "old rows: the trim commits");
    assert.ok(await count() < rollups, "the old minute rollup is gone");
    await rec.stop();
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ExecutionRecorder keeps every field of records written with ones that leave them empty", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, { writer: { lingerMs: 10 } });
  const t0 = Date.UTC(2026, 0, 1);
  rec.record({ plugin: "p", kind: "action", name: "a", input: 1 }, {
    status: "ok",
    startedAt: t0,
    durationMs: 1,
    output: { ok: true },
  });
  rec.record({
    plugin: "p",
    kind: "task",
    name: "t",
    tenant: "acme",
    taskId: "k1",
    actor: "socket",
    detail: { code: 3 },
  }, { status: "error", startedAt: t0 + 1, durationMs: 2, error: "boom" });
  await rec.flush();
  const [full, bare] = (await rec.list({ plugin: "p" })).executions;
  assert.deepEqual(
    [full!.tenant, full!.task_id, full!.actor, full!.detail, full!.error, full!.output],
    ["acme", "k1", "socket", { code: 3 }, "boom", null],
  );
  assert.deepEqual(
    [bare!.tenant, bare!.task_id, bare!.actor, bare!.detail, bare!.error, bare!.output],
    [null, null, null, null, null, '{"ok":true}'],
  );
  await rec.stop();
});

Deno.test("ExecutionRecorder answers an event's input as it was, stored packed or not", async () => {
  await using db = await tempStore();
  const rec = new ExecutionRecorder(db.store, { writer: { lingerMs: 0 } });
  const event = {
    specversion: "1.0",
    id: "01M8VT4V447AS9MC4AZSPRBP2E",
    source: "/bench",
    type: "bench.noop",
    time: "2026-12-02T16:42:01.220Z",
    datacontenttype: "application/json",
    data: { i: 1 },
  };
  const text = JSON.stringify(event);
  rec.record(
    { plugin: "p", kind: "action", name: "bench.noop", eventId: event.id, input: event },
    { status: "ok", startedAt: Date.UTC(2026, 0, 1), durationMs: 1, output: { ok: true } },
  );
  await rec.flush();
  const stored = await db.store.execute("SELECT input FROM executions");
  assert.ok(String(stored.rows[0]!.input).length < text.length / 2);
  // A record written before inputs were packed reads the same.
  await db.store.write(() => ({
    statements: [{
      sql: `INSERT INTO executions (plugin_id, kind, name, status, started_at, input, event_id)
        VALUES ('p', 'action', 'bench.noop', 'ok', ?, ?, ?)`,
      args: [Date.UTC(2026, 0, 2), text, event.id],
    }],
  }));
  const page = await rec.list({ plugin: "p" });
  assert.deepEqual(page.executions.map((e) => e.input), [text, text]);
  const [newer, older] = page.executions;
  assert.equal((await rec.get(older!.id))!.input, text);
  assert.equal((await rec.get(newer!.id))!.input, text);
  assert.equal(older!.output, '{"ok":true}');
  await rec.stop();
});
