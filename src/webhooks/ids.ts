/** Identifiers: `wh_…` for endpoints, `msg_…` (time-ordered) for deliveries. */

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** A new webhook id such as `wh_3f9a0c1e2b4d5a6f`. */
export function newWebhookId(): string {
  return `wh_${randomHex(8)}`;
}

/** A new delivery id (the stable `webhook-id` header), sortable by creation time. */
export function newMessageId(now = Date.now()): string {
  return `msg_${now.toString(36).padStart(9, "0")}${randomHex(10)}`;
}
