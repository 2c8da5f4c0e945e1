/** `GET /v1/events`: accepted events newest first, filtered by type and delivery state, paged. */
import type { InValue } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { DeliveryStatus } from "./types.ts";

/**
 * What an event's deliveries add up to: `pending` while any is pending; `dead` when any finally
 * failed (a dead letter: error, timeout, or retries exhausted); else `ok` (also with no
 * subscribers).
 */
export type EventListStatus = "pending" | "dead" | "ok";

/** Every {@linkcode EventListStatus}, for validating query parameters. */
export const EVENT_LIST_STATUSES: readonly EventListStatus[] = ["pending", "dead", "ok"];

/** Final delivery statuses that make a dead letter. */
export const DEAD_STATUSES: readonly DeliveryStatus[] = ["error", "timeout", "failed"];

/** Filters of {@linkcode listEvents}; all optional. */
export interface EventFilter {
  /** An exact type, or a prefix ending in `*` (`deployment.*`). */
  type?: string;
  status?: EventListStatus;
  /** Events with a delivery to this plugin. */
  plugin?: string;
  /** Received at or after (ms). */
  since?: number;
  /** Received before (ms). */
  until?: number;
  /** The `next` of a previous page. */
  cursor?: string;
  /** @default 50, at most 500 */
  limit?: number;
}

/** One row of the list: the event's head and its deliveries in brief. */
export interface EventSummary {
  id: string;
  type: string;
  source: string;
  tenant: string | null;
  received_at: string;
  status: EventListStatus;
  deliveries: { ok: number; pending: number; dead: number };
  /** The dead letters of this event: which plugin, why. */
  dead_letters: {
    plugin: string;
    hook: string;
    status: DeliveryStatus;
    attempts: number;
    error: string | null;
  }[];
}

/** A page of events and the cursor of the next one (null at the end). */
export interface EventPage {
  events: EventSummary[];
  next: string | null;
}

const DEAD_SQL = `('error', 'timeout', 'failed')`;

/** A cursor is the last row's receipt time and id (ids may hold any character: base64url). */
function makeCursor(t: number, id: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify([t, id]));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

function parseCursor(cursor: string): [number, string] {
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const [t, id] = JSON.parse(text);
    if (Number.isSafeInteger(t) && typeof id === "string") return [t, id];
  } catch { /* answered below */ }
  throw new RangeError(`cursor "${cursor}" is not one this API gave; use the "next" it answered`);
}

/** One page of events, newest first (by receipt time, then id). */
export async function listEvents(store: Store, f: EventFilter = {}): Promise<EventPage> {
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 50), 1), 500);
  const where: string[] = [];
  const args: InValue[] = [];
  if (f.type?.endsWith("*")) {
    // Range on the prefix instead of LIKE, whose wildcards `_` and `%` are legal in types.
    const prefix = f.type.slice(0, -1);
    where.push("e.type >= ? AND e.type < ?");
    args.push(prefix, prefix + "\uffff");
  } else if (f.type) (where.push("e.type = ?"), args.push(f.type));
  if (f.since !== undefined) (where.push("e.received_at >= ?"), args.push(f.since));
  if (f.until !== undefined) (where.push("e.received_at < ?"), args.push(f.until));
  const has = (condition: string) =>
    `EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id AND ${condition})`;
  if (f.plugin) (where.push(has("d.plugin_id = ?")), args.push(f.plugin));
  if (f.status === "pending") where.push(has("d.status = 'pending'"));
  if (f.status === "dead") {
    where.push(has(`d.status IN ${DEAD_SQL}`), `NOT ${has("d.status = 'pending'")}`);
  }
  if (f.status === "ok") where.push(`NOT ${has("d.status <> 'ok'")}`);
  if (f.cursor) {
    const [t, id] = parseCursor(f.cursor);
    where.push("(e.received_at < ? OR (e.received_at = ? AND e.id < ?))");
    args.push(t, t, id);
  }
  const rs = await store.execute({
    sql:
      `SELECT e.id, e.type, e.source, e.received_at, json_extract(e.envelope, '$.tenant') AS tenant
      FROM events e ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY e.received_at DESC, e.id DESC LIMIT ?`,
    args: [...args, limit + 1],
  });
  const heads = rs.rows.slice(0, limit);
  const ids = heads.map((r) => String(r.id));
  const deliveries = ids.length === 0 ? [] : (await store.execute({
    sql: `SELECT event_id, plugin_id, hook, status, attempts, error FROM event_deliveries
      WHERE event_id IN (${ids.map(() => "?").join(", ")})`,
    args: ids,
  })).rows;
  const events = heads.map((r): EventSummary => {
    const mine = deliveries.filter((d) => String(d.event_id) === String(r.id));
    const dead = mine.filter((d) => (DEAD_STATUSES as string[]).includes(String(d.status)));
    const pending = mine.filter((d) => d.status === "pending").length;
    return {
      id: String(r.id),
      type: String(r.type),
      source: String(r.source),
      tenant: typeof r.tenant === "string" ? r.tenant : null,
      received_at: new Date(Number(r.received_at)).toISOString(),
      status: pending > 0 ? "pending" : dead.length > 0 ? "dead" : "ok",
      deliveries: { ok: mine.length - pending - dead.length, pending, dead: dead.length },
      dead_letters: dead.map((d) => ({
        plugin: String(d.plugin_id),
        hook: String(d.hook),
        status: String(d.status) as DeliveryStatus,
        attempts: Number(d.attempts),
        error: d.error === null ? null : String(d.error),
      })),
    };
  });
  const last = heads.at(-1);
  return {
    events,
    next: rs.rows.length > limit && last
      ? makeCursor(Number(last.received_at), String(last.id))
      : null,
  };
}
