/**
 * Signature checks for public routes (webhooks from outside services), each in constant time and
 * tested against the provider's documented test vector.
 *
 * @module
 */
export { verifyGitHubSignature } from "./github.ts";
export { verifyGitLabToken } from "./gitlab.ts";
export { type HmacOptions, verifyHmacSha256 } from "./hmac.ts";
export { type SlackOptions, verifySlackSignature } from "./slack.ts";
export { type StandardWebhookOptions, verifyStandardWebhook } from "./standard_webhooks.ts";
