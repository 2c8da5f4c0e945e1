/** GitLab webhooks: `X-Gitlab-Token` carries the secret token itself. */
import { timingSafeEqualText } from "./_crypto.ts";

/**
 * Whether `header` (the request's `X-Gitlab-Token`) equals `secret`, compared in constant time.
 * An empty secret never matches (a webhook configured without a token is not authenticated).
 */
export async function verifyGitLabToken(
  secret: string,
  header: string | null | undefined,
): Promise<boolean> {
  if (!secret || typeof header !== "string") return false;
  return await timingSafeEqualText(secret, header);
}
