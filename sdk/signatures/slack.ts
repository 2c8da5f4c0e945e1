/**
 * Slack requests: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:timestamp:body">` under the
 * app's signing secret, with `X-Slack-Request-Timestamp` checked against replays.
 */
import { fromHex, hmacKey, hmacMatches, nowSeconds, prefixed } from "./_crypto.ts";

/** Options of {@linkcode verifySlackSignature}. */
export interface SlackOptions {
  /** Largest accepted age (or skew) of the timestamp, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** The current time in ms, for tests. @default Date.now() */
  now?: number;
}

/**
 * Whether a Slack request is genuine and recent. `headers` are the request's headers (a `Headers`
 * or `{ "x-slack-request-timestamp", "x-slack-signature" }`), `body` the raw body.
 */
export async function verifySlackSignature(
  signingSecret: string,
  headers: Headers | Record<string, string | undefined>,
  body: string | Uint8Array,
  options: SlackOptions = {},
): Promise<boolean> {
  const { toleranceSeconds = 300, now } = options;
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) ?? undefined : headers[name];
  const timestamp = get("x-slack-request-timestamp");
  const signature = get("x-slack-signature");
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature?.startsWith("v0=")) return false;
  if (Math.abs(nowSeconds(now) - Number(timestamp)) > toleranceSeconds) return false;
  const key = await hmacKey(signingSecret);
  return await hmacMatches(key, fromHex(signature.slice(3)), prefixed(`v0:${timestamp}:`, body));
}
