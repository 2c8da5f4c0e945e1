/**
 * The dispatcher's policy and shapes: retry policy, memory and timing limits with their defaults,
 * what an accepted event carries, and the answer a waiting caller gets for a parked delivery.
 */
import type { DeliveryJob, LaneLimits } from "./delivery_lane.ts";
import type { Context } from "../tracing/mod.ts";
import type { CloudEvent, DeliveryResult, Subscriber } from "./types.ts";

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
