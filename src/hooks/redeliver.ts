/**
 * Redelivery of a dead letter: an event's final failed deliveries to one plugin go back to
 * `pending` with a fresh retry budget, in the same commit as the audit row.
 */
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { HookError } from "./errors.ts";
import { DEAD_STATUSES } from "./event_query.ts";

/** What was put back in line. */
export interface Redelivery {
  id: string;
  plugin: string;
  /** The manifest hooks whose deliveries are pending again. */
  hooks: string[];
}

/**
 * Resets the dead deliveries of event `eventId` to `pluginId`; throws `HookError` with status 404
 * for an unknown event and 409 when that plugin has no dead delivery of it.
 */
export async function resetDeadDeliveries(
  store: Store,
  eventId: string,
  pluginId: string,
  actor: string,
): Promise<Redelivery> {
  const rs = await store.execute({
    sql: "SELECT plugin_id, hook, status FROM event_deliveries WHERE event_id = ?",
    args: [eventId],
  });
  if (rs.rows.length === 0) {
    const known = await store.execute({
      sql: "SELECT 1 FROM events WHERE id = ?",
      args: [eventId],
    });
    if (known.rows.length === 0) throw new HookError(404, `No event with id "${eventId}"`);
  }
  const mine = rs.rows.filter((r) => String(r.plugin_id) === pluginId);
  const dead = mine.filter((r) => (DEAD_STATUSES as string[]).includes(String(r.status)));
  if (dead.length === 0) {
    const now = mine.map((r) => `${r.hook}: ${r.status}`).join(", ");
    throw new HookError(
      409,
      mine.length === 0
        ? `Event "${eventId}" was not delivered to "${pluginId}"; only its subscribers at the ` +
          `time (${[...new Set(rs.rows.map((r) => String(r.plugin_id)))].join(", ") || "none"}) ` +
          `can get it again`
        : `Event "${eventId}" has no dead delivery to "${pluginId}" (${now}); only error, ` +
          `timeout and failed deliveries are redelivered`,
    );
  }
  const hooks = dead.map((r) => String(r.hook));
  await store.write(async () => ({
    statements: [
      {
        sql: `UPDATE event_deliveries SET status = 'pending', attempts = 0, next_attempt_at = 0,
          updated_at = ? WHERE event_id = ? AND plugin_id = ? AND status IN ('error', 'timeout', 'failed')`,
        args: [Date.now(), eventId, pluginId],
      },
      await auditStatement(store, {
        actor,
        action: "event.redeliver",
        target: eventId,
        result: "ok",
        detail: { plugin: pluginId, hooks },
      }),
    ],
  }));
  return { id: eventId, plugin: pluginId, hooks };
}
