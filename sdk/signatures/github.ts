/** GitHub webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. */
import { verifyHmacSha256 } from "./hmac.ts";

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
export function verifyGitHubSignature(
  secret: string,
  body: string | Uint8Array,
  header: string | null | undefined,
): Promise<boolean> {
  return verifyHmacSha256(secret, body, header, { prefix: "sha256=" });
}
