/**
 * Outgoing webhooks (SPEC §11): endpoints, a transactional outbox in libSQL, a relay that
 * signs per Standard Webhooks and retries with backoff, and an SSRF guard. See
 * `docs/webhooks.md`.
 *
 * @module
 */
export type {
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  EmitSystemEvent,
  OutboxEvent,
  Webhook,
} from "./types.ts";
export {
  NotFoundError,
  WebhookConflictError,
  WebhookTargetError,
  WebhookValidationError,
} from "./errors.ts";
export { generateSecret, SECRET_PREFIX, secretKeyBytes } from "./secret.ts";
export { signatureHeader, signMessage } from "./sign.ts";
export {
  type GuardOptions,
  parseWebhookUrl,
  type ResolvedTarget,
  type Resolver,
  resolveTarget,
} from "./ssrf_guard.ts";
export { sendRequest, type SendResult } from "./send_request.ts";
export {
  classifyStatus,
  DEFAULT_SCHEDULE_MS,
  parseRetryAfter,
  parseSchedule,
  retryDelay,
} from "./schedule.ts";
export { deliveryInsert, webhookOutboxStatements } from "./outbox.ts";
export { newMessageId } from "./ids.ts";
export { checkSecret, validateWebhookInput, type WebhookInput } from "./validate.ts";
export { type RelayOptions, WebhookRelay } from "./relay.ts";
export {
  createWebhookService,
  type WebhookService,
  type WebhookServiceOptions,
} from "./service.ts";
export { type DeliveryPage, listDeliveries } from "./deliveries.ts";
export { redeliver } from "./redeliver.ts";
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  ROTATION_OVERLAP_MS,
  updateWebhook,
} from "./repository.ts";
