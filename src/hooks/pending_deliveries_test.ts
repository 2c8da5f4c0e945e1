import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { migrate, MIGRATIONS, openStore } from "../store/mod.ts";
import {
  insertEventStatements,
  insertPendingDeliveryStatements,
  upsertDeliveryStatements,
} from "./event_store.ts";
import { pendingByPlugin, pendingPage } from "./pending_deliveries.ts";
import type { CloudEvent } from "./types.ts";

function event(id: string): CloudEvent {
  return {
    specversion: "1.0",
    id,
    source: "/test",
    type: "test.pending",
    time: new Date(1000).toISOString(),
    datacontenttype: "application/json",
    data: null,
  };
}

function pending(eventId: string, pluginId: string, nextAttemptAt: number) {
  return {
    eventId,
    pluginId,
    hook: "test.pending",
    status: "pending" as const,
    attempts: 0,
    durationMs: null,
    result: undefined,
    error: null,
    nextAttemptAt,
  };
}

Deno.test("migration 23 drops the unread pending index; the lanes still read the backlog", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-pending-" });
  const url = `file:${dir}/plugd.db`;
  // A database as the previous plugd left it, with a backlog of two plugins.
  const client = createClient({ url });
  await migrate(client, MIGRATIONS.filter((m) => m.version < 23));
  const ids = ["e1", "e2", "e3"];
  await client.batch([
    ...insertEventStatements(ids.map(event), 1000),
    ...upsertDeliveryStatements([
      pending("e1", "p1", 50),
      pending("e2", "p1", 30),
      pending("e3", "p1", 40),
      pending("e2", "p2", 70),
    ], 1000),
    ...upsertDeliveryStatements([{ ...pending("e3", "p1", 0), status: "ok", attempts: 1 }], 1001),
  ], "write");
  client.close();

  const store = await openStore(url);
  try {
    const indexes = await store.execute(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_deliveries'",
    );
    const names = indexes.rows.map((r) => String(r.name));
    assert.ok(!names.includes("event_deliveries_pending"), names.join(", "));
    assert.ok(names.includes("event_deliveries_lane"));

    assert.deepEqual(
      (await pendingPage(store, "p1", 0, 10)).map((r) => [r.eventId, r.nextAttemptAt]),
      [["e1", 50], ["e2", 30]],
    );
    const byPlugin = await pendingByPlugin(store);
    assert.deepEqual(
      byPlugin.sort((a, b) => a.pluginId.localeCompare(b.pluginId)),
      [{ pluginId: "p1", count: 2, dueAt: 30 }, { pluginId: "p2", count: 1, dueAt: 70 }],
    );
    // Both reads go through the lane index, not a scan of every delivery row.
    const plan = await store.execute(
      `EXPLAIN QUERY PLAN SELECT plugin_id, COUNT(*), MIN(next_attempt_at)
        FROM event_deliveries WHERE status = 'pending' GROUP BY plugin_id`,
    );
    assert.match(String(plan.rows.map((r) => r.detail)), /event_deliveries_lane/);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("insertPendingDeliveryStatements() writes pending rows due now, once per key", async () => {
  const store = await openStore("file::memory:");
  try {
    await store.write(() => ({
      statements: [
        ...insertEventStatements([event("e1"), event("e2")], 1000),
        ...insertPendingDeliveryStatements([
          { eventId: "e1", pluginId: "p1", hook: "test.pending" },
          { eventId: "e1", pluginId: "p1", hook: "test.pending" }, // a subscriber listed twice
          { eventId: "e2", pluginId: "p1", hook: "test.pending" },
        ], 1000),
      ],
    }));
    const rows = await store.execute(
      `SELECT event_id, status, attempts, duration_ms, result, error, next_attempt_at, updated_at
        FROM event_deliveries ORDER BY rowid`,
    );
    assert.deepEqual(rows.rows.map((r) => Object.values(r)), [
      ["e1", "pending", 0, null, null, null, 0, 1000],
      ["e2", "pending", 0, null, null, null, 0, 1000],
    ]);
    assert.deepEqual(
      (await pendingPage(store, "p1", 0, 10)).map((r) => [r.eventId, r.attempts]),
      [["e1", 0], ["e2", 0]],
    );
  } finally {
    store.close();
  }
});
