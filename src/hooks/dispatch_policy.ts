/**
 * The dispatcher's policy and shapes: retry policy, memory and timing limits with their defaults,
 * what an accepted event carries, and the answer a waiting caller gets for a parked delivery.
 */
import { PluginCallError, PluginTimeoutError, PluginUnavailableError } from "../runtime/mod.ts";
import type { DeliveryJob, LaneLimits } from "./delivery_lane.ts";
import type { Context } from "../tracing/mod.ts";
import type { CloudEvent, DeliveryResult, HookHost, Subscriber } from "./types.ts";

/** Retry policy for deliveries the plugin never answered (it exited or was stopped mid-call). */
export interface RetryPolicy {
  /**
   * Attempts before a delivery is marked `failed` (a dead letter): an event that crashes its
   * plugin must not crash it forever. The daemon sets `delivery.crash_retries` + 1. @default 5
   */
  maxAttempts: number;
  /** First retry delay, doubled per attempt (capped at 30 s). @default 500 */
  baseDelayMs: number;
}

/** Memory and timing limits of the dispatcher (defaults in {@linkcode DISPATCH_LIMITS}). */
export interface DispatchLimits extends LaneLimits {
  /** Bytes of events waiting in memory over all lanes. */
  totalBufferBytes: number;
  /** Rows read per page from the database. */
  pageRows: number;
  /** How often pending rows nobody works on are looked for. */
  sweepMs: number;
}

/** Defaults of {@linkcode DispatchLimits}. */
export const DISPATCH_LIMITS: DispatchLimits = {
  width: 256,
  inflightBytes: 16 * 1024 * 1024,
  bufferJobs: 1024,
  bufferBytes: 8 * 1024 * 1024,
  totalBufferBytes: 64 * 1024 * 1024,
  pageRows: 512,
  sweepMs: 30_000,
};

/** An event just committed, with its subscribers and its size. */
export interface Accepted {
  event: CloudEvent;
  subscribers: Subscriber[];
  bytes: number;
  /** The intake span's context (tracing). */
  trace?: Context;
}

/** What a waiting caller gets for a delivery parked until its plugin runs again. */
export function parkedResult(job: DeliveryJob, reason: string): DeliveryResult {
  return {
    plugin: job.pluginId,
    hook: job.hook,
    status: "pending",
    attempts: job.attempts,
    duration_ms: null,
    error: `parked: ${reason}; delivered when the plugin runs again`,
  };
}

/** How long a delivery waits before attempt `attempts + 1`: doubled per attempt, at most 30 s. */
export function backoffMs(retry: RetryPolicy, attempts: number): number {
  return Math.min(30_000, retry.baseDelayMs * 2 ** (attempts - 1));
}

/**
 * What a delivery's call that threw comes to: an outcome to record (`error`, `timeout`, or
 * `failed` once the retries are spent), nothing while the dispatcher stops (`stopping`: the row
 * stays pending), no attempt (`unavailable`: the call never reached the plugin), or another
 * attempt later (`retry`: the plugin never answered, e.g. its process exited during the call).
 */
export function failureOf(
  error: unknown,
  attempts: number,
  running: boolean,
  retry: RetryPolicy,
): {
  status: "error" | "timeout" | "failed" | "stopping" | "unavailable" | "retry";
  error: string;
} {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof PluginCallError) return { status: "error", error: message };
  if (error instanceof PluginTimeoutError) return { status: "timeout", error: message };
  if (!running) return { status: "stopping", error: message };
  if (error instanceof PluginUnavailableError) return { status: "unavailable", error: message };
  if (attempts < retry.maxAttempts) return { status: "retry", error: message };
  return {
    status: "failed",
    error: `gave up after ${attempts} attempts: each ended without an answer from the plugin ` +
      `(its process exited or was stopped during the call; delivery.crash_retries = ` +
      `${retry.maxAttempts - 1}); last: ${message}`,
  };
}

/** Milliseconds since `started` (a `performance.now()`), to the microsecond. */
export function ms(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** The event's `tenant` attribute (checked at intake), or null. */
export function tenantOf(event: CloudEvent): string | null {
  return typeof event.tenant === "string" ? event.tenant : null;
}

/** The plugin's call of one delivery (recorded as an execution of its event and attempt). */
export function invokeDelivery(host: HookHost, job: DeliveryJob): Promise<unknown> {
  return host.invoke(job.pluginId, "action", job.hook, job.event, {
    record: { eventId: job.event.id, attempt: job.attempts + 1 },
    tenant: tenantOf(job.event),
  });
}
