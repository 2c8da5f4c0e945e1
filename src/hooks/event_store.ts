/** SQL of the hook bus: events, their delivery rows. Multi-row statements keep batches cheap. */
import type { InStatement, InValue } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import { boundResult } from "./bounded_result.ts";
import type { CloudEvent, DeliveryResult, DeliveryStatus, EventView } from "./types.ts";

/** Rows per multi-row INSERT (SQLite allows 32,766 parameters per statement). */
const ROWS_PER_STATEMENT = 200;

/** A delivery row as written. */
export interface DeliveryRow {
  eventId: string;
  pluginId: string;
  hook: string;
  status: DeliveryStatus;
  attempts: number;
  durationMs: number | null;
  result: unknown;
  /** `result`'s stored JSON when it was made already (`boundResultText`): not made again. */
  resultText?: string;
  error: string | null;
  nextAttemptAt: number;
}

function multiRow(
  head: string,
  tail: string,
  width: number,
  rows: InValue[][],
  one = `(${new Array(width).fill("?").join(", ")})`,
): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    out.push({
      sql: `${head} VALUES ${chunk.map(() => one).join(", ")}${tail}`,
      args: chunk.flat(),
    });
  }
  return out;
}

/**
 * The envelope as stored: without what the row's own columns hold (`id`, `type`, `source`) or what
 * never varies (`specversion`, `datacontenttype`), about half of a small event's row.
 */
export function storedEnvelope(event: CloudEvent): string {
  const { specversion: _v, id: _i, source: _s, type: _t, datacontenttype: _d, ...rest } = event;
  return JSON.stringify(rest);
}

/** The event of a row: its stored envelope (whole, as written before issue 23's eighth round). */
export function eventFromRow(
  id: string,
  type: string,
  source: string,
  envelope: string,
): CloudEvent {
  const stored = JSON.parse(envelope) as Record<string, unknown>;
  if (stored.specversion !== undefined) return stored as CloudEvent;
  const { time, data, ...extensions } = stored;
  return {
    ...extensions,
    specversion: "1.0",
    id,
    source,
    type,
    time: time as string,
    datacontenttype: "application/json",
    data,
  };
}

/** INSERT statements for newly accepted events (`envelopes`: `storedEnvelope()`s, when made). */
export function insertEventStatements(
  events: CloudEvent[],
  receivedAt: number,
  envelopes?: string[],
): InStatement[] {
  return multiRow(
    "INSERT INTO events (id, type, source, envelope, received_at)",
    "",
    5,
    events.map((e, i) => [e.id, e.type, e.source, envelopes?.[i] ?? storedEnvelope(e), receivedAt]),
  );
}

function storedResult(result: unknown): string | null {
  if (result === undefined) return null;
  // The same limits as the answer on the wait path (the dispatcher bounds it already).
  return JSON.stringify(boundResult(result)) ?? null;
}

/**
 * INSERTs the pending delivery rows of newly accepted events: their key and nothing else (the
 * other columns' defaults are a pending row's values). Plain rows, not the upsert of
 * `upsertDeliveryStatements`, and a third of its arguments: libSQL's work per row fell by about a
 * fifth (docs/performance.md, "Event intake (issue 23, tenth round)"). The events are new, so no
 * row of theirs exists; a subscriber listed twice for one event keeps one row (`OR IGNORE`).
 */
export function insertPendingDeliveryStatements(
  rows: { eventId: string; pluginId: string; hook: string }[],
  now: number,
): InStatement[] {
  return multiRow(
    "INSERT OR IGNORE INTO event_deliveries (event_id, plugin_id, hook, status, updated_at)",
    "",
    4,
    rows.map((r) => [r.eventId, r.pluginId, r.hook, now]),
    "(?, ?, ?, 'pending', ?)",
  );
}

/** Upserts delivery rows (new pending rows, or an outcome replacing the previous state). */
export function upsertDeliveryStatements(rows: DeliveryRow[], now: number): InStatement[] {
  return multiRow(
    "INSERT INTO event_deliveries (event_id, plugin_id, hook, status, attempts, duration_ms, " +
      "result, error, next_attempt_at, updated_at)",
    " ON CONFLICT (event_id, plugin_id, hook) DO UPDATE SET status = excluded.status, " +
      "attempts = excluded.attempts, duration_ms = excluded.duration_ms, " +
      "result = excluded.result, error = excluded.error, " +
      "next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at",
    10,
    rows.map((r) => [
      r.eventId,
      r.pluginId,
      r.hook,
      r.status,
      r.attempts,
      r.durationMs,
      r.resultText ?? storedResult(r.result),
      r.error,
      r.nextAttemptAt,
      now,
    ]),
  );
}

/** Which of `ids` are already stored. */
export async function existingEventIds(store: Store, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rs = await store.execute({
      sql: `SELECT id FROM events WHERE id IN (${chunk.map(() => "?").join(", ")})`,
      args: chunk,
    });
    for (const row of rs.rows) found.add(String(row.id));
  }
  return found;
}

/** One stored event with its delivery results, or null. */
export async function readEvent(store: Store, id: string): Promise<EventView | null> {
  const rs = await store.execute({
    sql: "SELECT type, source, envelope, received_at FROM events WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const event = eventFromRow(id, String(row.type), String(row.source), String(row.envelope));
  const deliveries = await store.execute({
    sql: `SELECT plugin_id, hook, status, attempts, duration_ms, result, error
      FROM event_deliveries WHERE event_id = ? ORDER BY plugin_id, hook`,
    args: [id],
  });
  const results: DeliveryResult[] = deliveries.rows.map((d) => ({
    plugin: String(d.plugin_id),
    hook: String(d.hook),
    status: String(d.status) as DeliveryStatus,
    attempts: Number(d.attempts),
    duration_ms: d.duration_ms === null ? null : Number(d.duration_ms),
    ...(d.result !== null ? { result: JSON.parse(String(d.result)) } : {}),
    ...(d.error !== null ? { error: String(d.error) } : {}),
  }));
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time,
    received_at: new Date(Number(row.received_at)).toISOString(),
    status: results.some((r) => r.status === "pending") ? "pending" : "completed",
    results,
    event,
  };
}

/** Deletes completed events received before `before` (ms); returns how many. */
export async function pruneEvents(store: Store, before: number): Promise<number> {
  return await store.write(async () => {
    const rs = await store.execute({
      sql: `SELECT COUNT(*) AS n FROM events WHERE received_at < ? AND NOT EXISTS
        (SELECT 1 FROM event_deliveries d WHERE d.event_id = events.id AND d.status = 'pending')`,
      args: [before],
    });
    return {
      statements: [{
        sql: `DELETE FROM events WHERE received_at < ? AND NOT EXISTS
          (SELECT 1 FROM event_deliveries d WHERE d.event_id = events.id AND d.status = 'pending')`,
        args: [before],
      }],
      value: Number(rs.rows[0]?.n ?? 0),
    };
  });
}
