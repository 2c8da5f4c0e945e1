/**
 * The database is the delivery queue: pending rows are paged per plugin in rowid order (the
 * partial index `event_deliveries_lane`), so a backlog of any size costs memory for one page.
 */
import type { Store } from "../store/mod.ts";
import { eventFromRow } from "./event_store.ts";
import type { CloudEvent } from "./types.ts";

/** A pending delivery read from the database. */
export interface PendingRow {
  rowid: number;
  eventId: string;
  hook: string;
  attempts: number;
  nextAttemptAt: number;
  /** Length of the stored envelope (what the event costs in memory, roughly). */
  bytes: number;
}

/** Pending rows of `pluginId` after `afterRowid`, oldest first, without their envelopes. */
export async function pendingPage(
  store: Store,
  pluginId: string,
  afterRowid: number,
  limit: number,
): Promise<PendingRow[]> {
  const rs = await store.execute({
    sql: `SELECT d.rowid AS rid, d.event_id, d.hook, d.attempts, d.next_attempt_at,
        length(e.envelope) AS bytes
      FROM event_deliveries d JOIN events e ON e.id = d.event_id
      WHERE d.plugin_id = ? AND d.status = 'pending' AND d.rowid > ?
      ORDER BY d.rowid LIMIT ?`,
    args: [pluginId, afterRowid, limit],
  });
  return rs.rows.map((r) => ({
    rowid: Number(r.rid),
    eventId: String(r.event_id),
    hook: String(r.hook),
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    bytes: Number(r.bytes),
  }));
}

/** The stored envelopes of `ids`. */
export async function loadEnvelopes(store: Store, ids: string[]): Promise<Map<string, CloudEvent>> {
  const out = new Map<string, CloudEvent>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rs = await store.execute({
      sql: `SELECT id, type, source, envelope FROM events WHERE id IN (${
        chunk.map(() => "?").join(", ")
      })`,
      args: chunk,
    });
    for (const r of rs.rows) {
      const id = String(r.id);
      out.set(id, eventFromRow(id, String(r.type), String(r.source), String(r.envelope)));
    }
  }
  return out;
}

/** Per plugin: how many deliveries are pending and when the earliest is due. */
export async function pendingByPlugin(
  store: Store,
): Promise<{ pluginId: string; count: number; dueAt: number }[]> {
  const rs = await store.execute(
    `SELECT plugin_id, COUNT(*) AS n, MIN(next_attempt_at) AS due
      FROM event_deliveries WHERE status = 'pending' GROUP BY plugin_id`,
  );
  return rs.rows.map((r) => ({
    pluginId: String(r.plugin_id),
    count: Number(r.n),
    dueAt: Number(r.due),
  }));
}
