/**
 * The signature checks as `@plugd/sdk` exports them: each loads `./mod.ts` at its first call. Most
 * plugins serve no public webhook route, so a plugin's start does not parse and run this code
 * (seven modules). Each function takes the same arguments and gives the same result as the one of
 * the same name in `./mod.ts`, where they are documented.
 *
 * @module
 */
import type { HmacOptions, SlackOptions, StandardWebhookOptions } from "./mod.ts";
export type { HmacOptions, SlackOptions, StandardWebhookOptions } from "./mod.ts";

const checks = () => import("./mod.ts");

/**
 * Whether a GitHub delivery is genuine: `header` is its `X-Hub-Signature-256`, `body` the raw
 * request body (bytes, or the exact text), `secret` the webhook's secret.
 *
 * @example
 * ```ts
 * const body = new Uint8Array(await req.arrayBuffer());
 * const ok = await verifyGitHubSignature(secret, body, req.headers.get("x-hub-signature-256"));
 * ```
 */
export async function verifyGitHubSignature(
  secret: string,
  body: string | Uint8Array,
  header: string | null | undefined,
): Promise<boolean> {
  return await (await checks()).verifyGitHubSignature(secret, body, header);
}

/**
 * Whether `header` (the request's `X-Gitlab-Token`) equals `secret`, compared in constant time.
 * An empty secret never matches (a webhook configured without a token is not authenticated).
 */
export async function verifyGitLabToken(
  secret: string,
  header: string | null | undefined,
): Promise<boolean> {
  return await (await checks()).verifyGitLabToken(secret, header);
}

/** Whether `signature` is the HMAC-SHA256 of `body` under `secret` (constant time). */
export async function verifyHmacSha256(
  secret: string | Uint8Array,
  body: string | Uint8Array,
  signature: string | null | undefined,
  options: HmacOptions = {},
): Promise<boolean> {
  return await (await checks()).verifyHmacSha256(secret, body, signature, options);
}

/** Whether a Slack request is genuine and recent (its `x-slack-*` headers, the raw body). */
export async function verifySlackSignature(
  signingSecret: string,
  headers: Headers | Record<string, string | undefined>,
  body: string | Uint8Array,
  options: SlackOptions = {},
): Promise<boolean> {
  return await (await checks()).verifySlackSignature(signingSecret, headers, body, options);
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
  return await (await checks()).verifyStandardWebhook(secret, headers, body, options);
}
