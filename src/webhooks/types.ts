/** Shapes shared by the webhooks area. */

/** A webhook endpoint as the API returns it (never with its secret). */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  timeout_ms: number;
  consecutive_failures: number;
  disabled_reason: string | null;
  /** When the secret was last rotated; the previous one is still signed for 24 h after. */
  rotated_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Delivery states: `pending` -> `delivering` -> `delivered` | `failed` (or back to `pending`). */
export type DeliveryStatus = "pending" | "delivering" | "delivered" | "failed";

/** One recorded HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  /** First 1 KiB of the response body. */
  response_body: string | null;
  error: string | null;
}

/** One message to one endpoint; `id` is the stable `webhook-id` header. */
export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  created_at: string;
  updated_at: string;
  attempt_log?: DeliveryAttempt[];
}

/** The event an outbox row is made from (a CloudEvent; extra attributes are kept). */
export interface OutboxEvent {
  id: string;
  type: string;
  source: string;
  time?: string;
  data?: unknown;
  [attribute: string]: unknown;
}

/** Emits a daemon event such as `webhook.disabled`; provided by the hooks area when present. */
export type EmitSystemEvent = (type: string, data: Record<string, unknown>) => Promise<void> | void;
