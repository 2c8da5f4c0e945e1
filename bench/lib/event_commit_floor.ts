/**
 * The commit one `POST /v1/events?wait=true` needs, alone: the event, its delivery row to the one
 * subscribed plugin and the previous event's delivery outcome (what the daemon commits per such
 * request: one commit, ~11 log pages), through plugd's own store as the daemon opens it (writer
 * thread, the daemon's `synchronous` level: with `full`, written on this thread and answered after
 * the log's sync). No HTTP, no JSON, no plugin: what that request cannot go below on this disk,
 * beside the one-row commit of `libsql_floor.ts`.
 */
import { join } from "node:path";
import { newEventId, storedEnvelope } from "../../src/hooks/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { BENCH_SYNCHRONOUS } from "./libsql_floor.ts";

const EVENT = "INSERT INTO events (id, type, source, envelope, received_at) VALUES (?, ?, ?, ?, ?)";
const DELIVERY = "INSERT INTO event_deliveries (event_id, plugin_id, hook, status, attempts, " +
  "duration_ms, result, error, next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
  " ON CONFLICT (event_id, plugin_id, hook) DO UPDATE SET status = excluded.status, " +
  "attempts = excluded.attempts, duration_ms = excluded.duration_ms, " +
  "result = excluded.result, error = excluded.error, " +
  "next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at";

/** `n` sequential commits of one `?wait=true` event's rows (after `warm`); ms per commit. */
export async function eventCommitLatencies(n: number, warm = 50): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-event-commit-" });
  const store = await openStore(`file:${join(dir, "plugd.db")}`, {
    writerThread: true,
    synchronous: BENCH_SYNCHRONOUS === "NORMAL" ? "normal" : "full",
  });
  try {
    const out: number[] = [];
    let previous: string | null = null;
    for (let i = 0; i < n + warm; i++) {
      const id = newEventId();
      const now = Date.now();
      const envelope = storedEnvelope({
        specversion: "1.0",
        id,
        source: "/bench",
        type: "bench.noop",
        time: new Date(now).toISOString(),
        datacontenttype: "application/json",
        data: { i },
      });
      const statements = [
        { sql: EVENT, args: [id, "bench.noop", "/bench", envelope, now] },
        {
          sql: DELIVERY,
          args: [id, "bench-echo", "bench.noop", "pending", 0, null, null, null, 0, now],
        },
      ];
      if (previous !== null) {
        statements.push({
          sql: DELIVERY,
          args: [previous, "bench-echo", "bench.noop", "ok", 1, 0.1, '{"ok":true}', null, 0, now],
        });
      }
      previous = id;
      const t = performance.now();
      await store.write(() => ({ statements }));
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}
