/**
 * Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (several, space-separated,
 * during a secret rotation), with a `whsec_<base64>` secret.
 */
import { fromBase64, hmacKey, hmacMatches, nowSeconds, prefixed } from "./_crypto.ts";

/** Options of {@linkcode verifyStandardWebhook}. */
export interface StandardWebhookOptions {
  /** Largest accepted difference between the timestamp and now, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** The current time in ms, for tests. @default Date.now() */
  now?: number;
}

/**
 * Whether a Standard Webhooks delivery is genuine and recent. `headers` are the request's headers
 * (a `Headers` or `{ "webhook-id", "webhook-timestamp", "webhook-signature" }`).
 *
 * @example
 * ```ts
 * const body = await req.text();
 * if (!await verifyStandardWebhook(secret, req.headers, body)) return new Response(null, { status: 401 });
 * ```
 */
export async function verifyStandardWebhook(
  secret: string,
  headers: Headers | Record<string, string | undefined>,
  body: string | Uint8Array,
  options: StandardWebhookOptions = {},
): Promise<boolean> {
  const { toleranceSeconds = 300, now } = options;
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) ?? undefined : headers[name];
  const id = get("webhook-id");
  const timestamp = get("webhook-timestamp");
  const signatures = get("webhook-signature");
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds(now) - Number(timestamp)) > toleranceSeconds) return false;
  const raw = fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  if (!raw) return false;
  const key = await hmacKey(raw);
  const signed = prefixed(`${id}.${timestamp}.`, body);
  let ok = false;
  for (const entry of signatures.split(" ")) {
    const [version, value] = entry.split(",", 2);
    // Check every v1 signature (no early exit), so timing does not tell which one matched.
    if (version === "v1" && value && await hmacMatches(key, fromBase64(value), signed)) ok = true;
  }
  return ok;
}
