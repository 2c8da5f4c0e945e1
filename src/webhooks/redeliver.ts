/** Sending a delivery again on the operator's request (`plugd webhook redeliver`). */
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { NotFoundError, WebhookConflictError } from "./errors.ts";

/**
 * Queues delivery `deliveryId` of webhook `webhookId` for one more attempt now, with the same
 * message id (`webhook-id`), so receivers that deduplicate see a retry, not a new message. A
 * delivery that is still queued, or whose webhook is disabled, is refused with what to do.
 */
export async function redeliver(
  store: Store,
  webhookId: string,
  deliveryId: string,
  actor: string,
): Promise<{ delivery_id: string; status: "pending" }> {
  const rs = await store.execute({
    sql:
      `SELECT d.status, w.enabled FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.id = ? AND d.webhook_id = ?`,
    args: [deliveryId, webhookId],
  });
  const row = rs.rows[0];
  if (!row) {
    throw new NotFoundError(
      `Webhook ${webhookId} has no delivery ${deliveryId}; see "plugd webhook deliveries ${webhookId}"`,
    );
  }
  if (row.status === "pending" || row.status === "delivering") {
    throw new WebhookConflictError(
      `Delivery ${deliveryId} is already queued (${row.status}); it will be attempted on schedule`,
    );
  }
  if (Number(row.enabled) !== 1) {
    throw new WebhookConflictError(
      `Webhook ${webhookId} is disabled, so nothing would be sent; enable it first with ` +
        `"plugd webhook enable ${webhookId}"`,
    );
  }
  const nowMs = Date.now();
  await store.write(async () => ({
    statements: [
      {
        sql: `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?
              WHERE id = ? AND status IN ('delivered', 'failed')`,
        args: [nowMs, new Date(nowMs).toISOString(), deliveryId],
      },
      await auditStatement(store, {
        actor,
        action: "webhook.redeliver",
        target: webhookId,
        result: "ok",
        detail: { delivery_id: deliveryId, previous_status: String(row.status) },
      }),
    ],
  }));
  return { delivery_id: deliveryId, status: "pending" };
}
