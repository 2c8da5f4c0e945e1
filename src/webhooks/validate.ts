import { isEventPattern } from "../manifest/mod.ts";
import { WebhookTargetError, WebhookValidationError } from "./errors.ts";
import { secretKeyBytes } from "./secret.ts";
import { type GuardOptions, parseWebhookUrl, resolveTarget } from "./ssrf_guard.ts";

/** Default per-attempt timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest per-attempt timeout. */
export const MAX_TIMEOUT_MS = 60_000;

/** A validated create request. */
export interface WebhookInput {
  name: string;
  url: string;
  event_types: string[];
  timeout_ms: number;
  enabled: boolean;
  secret?: string;
}

const CREATE_KEYS = ["name", "url", "event_types", "timeout_ms", "enabled", "secret"];

/**
 * Validates a create (`partial` false) or update (`partial` true) body. The URL is checked by
 * the SSRF guard, host names included (resolved now; a name that does not resolve is refused).
 */
export async function validateWebhookInput(
  body: unknown,
  partial: boolean,
  guard: GuardOptions,
): Promise<Partial<WebhookInput>> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WebhookValidationError("body", "The request body must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!CREATE_KEYS.includes(key) || (partial && key === "secret")) {
      throw new WebhookValidationError(
        key,
        `Unknown field "${key}"; allowed: ${
          CREATE_KEYS.filter((k) => !partial || k !== "secret").join(", ")
        }${partial ? " (use POST /v1/webhooks/{id}/rotate to change the secret)" : ""}`,
      );
    }
  }
  const out: Partial<WebhookInput> = {};
  if (b.url !== undefined || !partial) out.url = await checkUrl(b.url, guard);
  if (b.event_types !== undefined || !partial) out.event_types = checkEventTypes(b.event_types);
  if (b.name !== undefined) {
    if (typeof b.name !== "string" || b.name.trim() === "" || b.name.length > 200) {
      throw new WebhookValidationError(
        "name",
        '"name" must be a non-empty string of at most 200 characters',
      );
    }
    out.name = b.name.trim();
  } else if (!partial) out.name = new URL(out.url!).host;
  if (b.timeout_ms !== undefined || !partial) {
    const t = b.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(t) || (t as number) < 100 || (t as number) > MAX_TIMEOUT_MS) {
      throw new WebhookValidationError(
        "timeout_ms",
        `"timeout_ms" must be an integer from 100 to ${MAX_TIMEOUT_MS}; got ${JSON.stringify(t)}`,
      );
    }
    out.timeout_ms = t as number;
  }
  if (b.enabled !== undefined || !partial) {
    if (b.enabled !== undefined && typeof b.enabled !== "boolean") {
      throw new WebhookValidationError("enabled", '"enabled" must be true or false');
    }
    out.enabled = (b.enabled as boolean | undefined) ?? true;
  }
  if (b.secret !== undefined) out.secret = checkSecret(b.secret);
  return out;
}

/** Checks a secret given by the operator (`whsec_` + base64 of 24..64 bytes). */
export function checkSecret(value: unknown): string {
  if (typeof value !== "string") {
    throw new WebhookValidationError("secret", '"secret" must be a string like "whsec_…"');
  }
  secretKeyBytes(value);
  return value;
}

async function checkUrl(value: unknown, guard: GuardOptions): Promise<string> {
  if (typeof value !== "string" || value === "") {
    throw new WebhookValidationError("url", '"url" is required: the http(s) URL to POST events to');
  }
  try {
    parseWebhookUrl(value, guard);
    await resolveTarget(value, guard);
  } catch (error) {
    if (error instanceof WebhookTargetError) {
      throw new WebhookValidationError("url", error.message, { cause: error });
    }
    throw error;
  }
  return new URL(value).href;
}

function checkEventTypes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    throw new WebhookValidationError(
      "event_types",
      '"event_types" must be a list of 1..100 event types or patterns, e.g. ["deployment.*"]',
    );
  }
  for (const t of value) {
    if (!isEventPattern(t)) {
      throw new WebhookValidationError(
        "event_types",
        `Bad event pattern ${JSON.stringify(t)}: use lowercase dotted names such as ` +
          '"deployment.post_create", optionally ending in ".*" ("deployment.*"), or "*"',
      );
    }
  }
  return [...new Set(value as string[])];
}
