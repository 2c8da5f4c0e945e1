/** One delivery attempt: guard, sign, send, and the resulting row updates. */
import type { InStatement } from "@libsql/client";
import { VERSION } from "../version.ts";
import { WebhookTargetError } from "./errors.ts";
import { classifyStatus, parseRetryAfter, retryDelay, type Verdict } from "./schedule.ts";
import { sendRequest } from "./send_request.ts";
import { signatureHeader } from "./sign.ts";
import { type GuardOptions, resolveTarget } from "./ssrf_guard.ts";
import type { DeliveryAttempt } from "./types.ts";

/** A claimed delivery joined with its endpoint. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventType: string;
  payload: string;
  attempts: number;
  url: string;
  timeoutMs: number;
}

/** What happened, and what to write. */
export interface AttemptOutcome {
  delivery: ClaimedDelivery;
  attempt: DeliveryAttempt;
  verdict: Verdict;
  /** `pending` (retry scheduled), `delivered` or `failed` (final). */
  status: "pending" | "delivered" | "failed";
  statements: InStatement[];
}

const MAX_ERROR_CHARS = 500;

/** A delivered attempt resets its endpoint's failure count (the same statement for each). */
export const RESET_FAILURES =
  "UPDATE webhooks SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0";

/** Runs one attempt and returns its outcome; never throws for delivery problems. */
export async function runAttempt(
  d: ClaimedDelivery,
  secrets: () => Promise<string[]>,
  options: { guard: GuardOptions; schedule: readonly number[]; caCerts?: string[] },
): Promise<AttemptOutcome> {
  const number = d.attempts + 1;
  const startedMs = Date.now();
  let statusCode: number | null = null;
  let body: string | null = null;
  let error: string | null = null;
  let retryAfterMs: number | null = null;
  let verdict: Verdict;
  try {
    const target = await resolveTarget(d.url, options.guard);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signatureHeader(await secrets(), d.id, timestamp, d.payload);
    const res = await sendRequest(target, {
      headers: {
        "content-type": "application/json",
        "user-agent": `plugd/${VERSION}`,
        "webhook-id": d.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      },
      body: d.payload,
      timeoutMs: d.timeoutMs,
      caCerts: options.caCerts,
    });
    statusCode = res.status;
    body = res.body;
    verdict = classifyStatus(res.status);
    retryAfterMs = parseRetryAfter(res.retryAfter);
    if (verdict !== "delivered") {
      error = res.status >= 300 && res.status < 400
        ? `redirect ${res.status} not followed; point the webhook at the final URL`
        : `receiver answered HTTP ${res.status}`;
    }
  } catch (caught) {
    error = describe(caught, d.timeoutMs).slice(0, MAX_ERROR_CHARS);
    verdict = caught instanceof WebhookTargetError && !caught.transient ? "fail" : "retry";
  }
  const endMs = Date.now();
  let status: AttemptOutcome["status"] = verdict === "delivered" ? "delivered" : "failed";
  let next = endMs;
  if (verdict === "retry") {
    const delay = retryDelay(options.schedule, number);
    if (delay !== null) {
      status = "pending";
      next = endMs + Math.max(delay, retryAfterMs ?? 0);
    }
  }
  const attempt: DeliveryAttempt = {
    attempt: number,
    started_at: new Date(startedMs).toISOString(),
    duration_ms: endMs - startedMs,
    status_code: statusCode,
    response_body: body,
    error,
  };
  const now = new Date(endMs).toISOString();
  const statements: InStatement[] = [
    {
      // Conditional: the webhook may have been deleted meanwhile, and one failed row must not
      // fail the group commit it shares with other outcomes.
      sql: `INSERT OR REPLACE INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms,
              status_code, response_body, error)
            SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)`,
      args: [d.id, number, attempt.started_at, attempt.duration_ms, statusCode, body, error, d.id],
    },
    {
      sql: `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,
              last_status_code = ?, updated_at = ? WHERE id = ?`,
      args: [status, number, next, statusCode, now, d.id],
    },
  ];
  if (d.eventType !== "webhook.test" && status !== "pending") {
    statements.push({
      sql: status === "delivered"
        ? RESET_FAILURES
        : "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = ?",
      args: [d.webhookId],
    });
  }
  return { delivery: d, attempt, verdict, status, statements };
}

/**
 * `statements` without the failure-count resets that a later reset of the same endpoint makes
 * moot (the last one sets the count to 0 whatever came before it), in order otherwise.
 */
export function withoutRepeatedResets(statements: InStatement[]): InStatement[] {
  const last = new Map<string, number>();
  statements.forEach((s, i) => {
    if (typeof s !== "string" && s.sql === RESET_FAILURES) last.set(String(s.args), i);
  });
  return statements.filter((s, i) =>
    typeof s === "string" || s.sql !== RESET_FAILURES || last.get(String(s.args)) === i
  );
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `timed out after ${timeoutMs} ms`;
  }
  const e = error as Error;
  const cause = (e?.cause as Error | undefined)?.message;
  return cause ? `${e.message}: ${cause}` : String(e?.message ?? error);
}
