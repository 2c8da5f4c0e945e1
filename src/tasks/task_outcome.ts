/** How an attempt's end becomes a task status: success, refusal, retry with backoff, or death. */
import { statusOf } from "../executions/mod.ts";
import type { TaskSettings } from "../manifest/mod.ts";
import { MAX_TASK_JSON } from "./task_store.ts";
import type { AttemptStatus, TaskStatus } from "./types.ts";

/** Longest retry delay. */
export const MAX_RETRY_DELAY_MS = 300_000;

/** The error name a handler throws to fail a task for good (no retries): `failed`. */
export const PERMANENT_ERROR = "PermanentTaskError";

/** What the task becomes after one attempt. */
export interface Classified {
  status: TaskStatus;
  attemptStatus: AttemptStatus;
  result?: string | null;
  error?: string | null;
  nextAttemptAt?: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): `base` doubled per attempt,
 * capped at 5 minutes, times a random factor in [0.5, 1.5) so retries of many tasks spread out.
 *
 * @example
 * ```ts
 * retryDelay(3, 1000, () => 0.5); // 4000
 * ```
 */
export function retryDelay(attempt: number, baseMs: number, random = Math.random): number {
  const plain = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempt - 1));
  return Math.round(plain * (0.5 + random()));
}

/** The stored JSON of a result, or a marker when it is too big. */
export function storedResult(value: unknown): string {
  const json = JSON.stringify(value ?? null) ?? "null";
  return json.length > MAX_TASK_JSON
    ? JSON.stringify({ truncated: true, bytes: json.length })
    : json;
}

/** One progress report from a task's `out` frame, or null when it is not one. */
export function parseProgress(data: string): { fraction: number; message: string | null } | null {
  try {
    const p = JSON.parse(data);
    if (typeof p?.progress !== "number" || !Number.isFinite(p.progress)) return null;
    return {
      fraction: Math.min(1, Math.max(0, p.progress)),
      message: typeof p.message === "string" ? p.message.slice(0, 200) : null,
    };
  } catch {
    return null;
  }
}

/** What one attempt's end (`value` or `error`) makes of the task. */
export function classify(
  end: { value: unknown } | { error: unknown },
  task: { attempt: number },
  settings: TaskSettings,
  live: { cancelled: boolean },
  retryBaseMs: number,
): Classified {
  if ("value" in end) {
    return { status: "succeeded", attemptStatus: "ok", result: storedResult(end.value) };
  }
  const error = end.error as { message?: string; pluginErrorName?: string };
  const message = String(error?.message ?? end.error).slice(0, 4096);
  // The same mapping as every execution record's (a cancel by the operator wins over the error).
  const attemptStatus: AttemptStatus = live.cancelled ? "cancelled" : statusOf(end.error);
  if (attemptStatus === "cancelled") {
    return { status: "cancelled", attemptStatus, error: "cancelled" };
  }
  if (error?.pluginErrorName === PERMANENT_ERROR) {
    return { status: "failed", attemptStatus, error: message };
  }
  if (task.attempt <= settings.retries) {
    return {
      status: "queued",
      attemptStatus,
      error: message,
      nextAttemptAt: Date.now() + retryDelay(task.attempt, retryBaseMs),
    };
  }
  return {
    status: "dead",
    attemptStatus,
    error:
      `gave up after ${task.attempt} attempts (retries: ${settings.retries}); last: ${message}`,
  };
}
