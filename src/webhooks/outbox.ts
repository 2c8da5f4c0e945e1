/** The transactional outbox: delivery rows written in the same batch as the accepted event. */
import type { InStatement } from "@libsql/client";
import { matchesEventPattern } from "../manifest/mod.ts";
import type { Store } from "../store/mod.ts";
import { newMessageId } from "./ids.ts";
import type { OutboxEvent } from "./types.ts";

interface Subscription {
  id: string;
  patterns: string[];
}

const cache = new WeakMap<Store, Promise<Subscription[]>>();
const wakers = new WeakMap<Store, () => void>();

/** Forgets the cached list of enabled webhooks (after any change to the `webhooks` table). */
export function invalidateOutboxCache(store: Store): void {
  cache.delete(store);
}

/** Registers the relay to wake when rows are enqueued on `store` (one relay per store). */
export function registerOutboxWaker(store: Store, wake: (() => void) | null): void {
  if (wake) wakers.set(store, wake);
  else wakers.delete(store);
}

async function enabledSubscriptions(store: Store): Promise<Subscription[]> {
  let list = cache.get(store);
  if (!list) {
    list = store.execute("SELECT id, event_types FROM webhooks WHERE enabled = 1").then((rs) =>
      rs.rows.map((r) => ({ id: String(r.id), patterns: JSON.parse(String(r.event_types)) }))
    );
    cache.set(store, list);
    list.catch(() => cache.delete(store));
  }
  return await list;
}

/**
 * The INSERTs that queue `event` for every enabled webhook whose event types match (exactly or
 * by a trailing `*`). Include them in the same `store.write()` batch that persists the event,
 * so an event is never accepted without its deliveries (or the reverse). The relay is woken
 * shortly after and also polls, so rows committed later are still picked up.
 *
 * @example
 * ```ts
 * await store.write(async () => ({
 *   statements: [insertEvent, ...await webhookOutboxStatements(store, event)],
 * }));
 * ```
 */
export async function webhookOutboxStatements(
  store: Store,
  event: OutboxEvent,
): Promise<InStatement[]> {
  const subs = (await enabledSubscriptions(store)).filter((s) =>
    s.patterns.some((p) => matchesEventPattern(p, event.type))
  );
  if (subs.length === 0) return [];
  const payload = JSON.stringify({
    specversion: "1.0",
    datacontenttype: "application/json",
    ...event,
    time: event.time ?? new Date().toISOString(),
  });
  const nowMs = Date.now();
  const now = new Date(nowMs).toISOString();
  const wake = wakers.get(store);
  if (wake) setTimeout(wake, 0);
  return subs.map((s) => deliveryInsert(s.id, event, payload, nowMs, now));
}

/** The INSERT of one pending delivery. */
export function deliveryInsert(
  webhookId: string,
  event: { id: string; type: string },
  payload: string,
  nowMs: number,
  now: string,
  id = newMessageId(nowMs),
): InStatement {
  return {
    sql: `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status,
            attempts, next_attempt_at, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    args: [id, webhookId, event.id, event.type, payload, nowMs, now, now],
  };
}
