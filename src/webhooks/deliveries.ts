/** Reading deliveries and their attempts (newest first, cursor-paginated). */
import type { Row } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import { WebhookValidationError } from "./errors.ts";
import type { Delivery, DeliveryAttempt } from "./types.ts";

/** One page of deliveries; pass `next_cursor` back as `cursor` for the next page. */
export interface DeliveryPage {
  deliveries: Delivery[];
  next_cursor: string | null;
}

function rowToDelivery(row: Row): Delivery {
  const status = String(row.status) as Delivery["status"];
  return {
    id: String(row.id),
    webhook_id: String(row.webhook_id),
    event_id: String(row.event_id),
    event_type: String(row.event_type),
    status,
    attempts: Number(row.attempts),
    next_attempt_at: status === "pending"
      ? new Date(Number(row.next_attempt_at)).toISOString()
      : null,
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

function rowToAttempt(row: Row): DeliveryAttempt {
  return {
    attempt: Number(row.attempt),
    started_at: String(row.started_at),
    duration_ms: Number(row.duration_ms),
    status_code: row.status_code === null ? null : Number(row.status_code),
    response_body: row.response_body === null ? null : String(row.response_body),
    error: row.error === null ? null : String(row.error),
  };
}

/** Lists a webhook's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  store: Store,
  webhookId: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<DeliveryPage> {
  const { limit = 50, cursor = null } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new WebhookValidationError(
      "limit",
      `"limit" must be an integer from 1 to 500; got ${limit}`,
    );
  }
  if (cursor !== null && !/^msg_[0-9a-z]+$/.test(cursor)) {
    throw new WebhookValidationError(
      "cursor",
      `"cursor" must be a next_cursor value from a previous page`,
    );
  }
  const rs = await store.execute({
    sql: `SELECT id, webhook_id, event_id, event_type, status, attempts, next_attempt_at,
            last_status_code, created_at, updated_at FROM webhook_deliveries
          WHERE webhook_id = ? ${cursor ? "AND id < ?" : ""} ORDER BY id DESC LIMIT ?`,
    args: cursor ? [webhookId, cursor, limit + 1] : [webhookId, limit + 1],
  });
  const rows = rs.rows.slice(0, limit).map(rowToDelivery);
  if (rows.length > 0) {
    const attempts = await store.execute({
      sql: `SELECT * FROM webhook_attempts WHERE delivery_id IN (${rows.map(() => "?").join(",")})
            ORDER BY delivery_id, attempt`,
      args: rows.map((r) => r.id),
    });
    const byId = new Map<string, DeliveryAttempt[]>();
    for (const a of attempts.rows) {
      const list = byId.get(String(a.delivery_id)) ?? [];
      list.push(rowToAttempt(a));
      byId.set(String(a.delivery_id), list);
    }
    for (const r of rows) r.attempt_log = byId.get(r.id) ?? [];
  }
  return {
    deliveries: rows,
    next_cursor: rs.rows.length > limit ? rows[rows.length - 1]!.id : null,
  };
}

/** One attempt of a delivery, or null. */
export async function getAttempt(
  store: Store,
  deliveryId: string,
  attempt: number,
): Promise<DeliveryAttempt | null> {
  const rs = await store.execute({
    sql: "SELECT * FROM webhook_attempts WHERE delivery_id = ? AND attempt = ?",
    args: [deliveryId, attempt],
  });
  return rs.rows[0] ? rowToAttempt(rs.rows[0]) : null;
}
