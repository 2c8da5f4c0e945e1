/** One plugin's share of the dispatcher: what is in memory for it, and where its backlog is. */
import type { Context } from "../tracing/mod.ts";
import type { CloudEvent } from "./types.ts";

/** One delivery to run. */
export interface DeliveryJob {
  event: CloudEvent;
  pluginId: string;
  hook: string;
  /** Attempts already made. */
  attempts: number;
  /** Approximate bytes the event holds in memory. */
  bytes: number;
  /** The intake span's context (tracing); absent for deliveries read back from the database. */
  trace?: Context;
  /** Its `deliveryKey()`, made once when the job enters a lane. */
  key?: string;
}

/** The key of one delivery row. */
export function deliveryKey(eventId: string, pluginId: string, hook: string): string {
  return `${eventId}\u0000${pluginId}\u0000${hook}`;
}

/** The key of a job's delivery row (made once, kept on the job). */
export function keyOf(job: DeliveryJob): string {
  return job.key ??= deliveryKey(job.event.id, job.pluginId, job.hook);
}

/** In-memory limits of one lane. */
export interface LaneLimits {
  /** Calls in flight to the plugin (below the runtime's queue limit). */
  width: number;
  /** Bytes of events in flight. */
  inflightBytes: number;
  /** Jobs waiting in memory. */
  bufferJobs: number;
  /** Bytes of events waiting in memory. */
  bufferBytes: number;
}

/**
 * A plugin's lane. Jobs live in memory only while there is room (`buffer`, bounded by count and
 * bytes) or while they run; everything else stays in the database (`backlog`) and is paged in
 * from `cursor` (a rowid) when the buffer runs dry. A parked lane (the plugin is failed, in
 * backoff or disabled) holds nothing and runs nothing until the plugin runs again.
 */
export class DeliveryLane {
  readonly pluginId: string;
  buffer: DeliveryJob[] = [];
  bufferBytes = 0;
  inflight = 0;
  inflightBytes = 0;
  /** Rows in the database this lane has not loaded yet. */
  backlog = false;
  /** Set when a row was left to the database while a page was being read. */
  deferredDuringRefill = false;
  refilling = false;
  /** Highest rowid paged in during this pass. */
  cursor = 0;
  /** Why the lane holds still, or null. */
  parked: string | null = null;
  /** Earliest time a retry falls due (ms), or null. */
  retryAt: number | null = null;
  retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Keys of the jobs in `buffer` or in flight. */
  readonly keys = new Set<string>();

  constructor(pluginId: string) {
    this.pluginId = pluginId;
  }

  /** Whether nothing for this lane is in memory. */
  get idle(): boolean {
    return this.inflight === 0 && this.buffer.length === 0 && !this.refilling;
  }

  /** Adds a job if the buffer has room (and `globalRoom` bytes are left); else false. */
  offer(job: DeliveryJob, limits: LaneLimits, globalRoom: number): boolean {
    const key = keyOf(job);
    if (this.keys.has(key)) return true; // already here
    const full = this.buffer.length >= limits.bufferJobs ||
      (this.buffer.length > 0 && this.bufferBytes + job.bytes > limits.bufferBytes) ||
      job.bytes > globalRoom;
    if (full) return false;
    this.buffer.push(job);
    this.bufferBytes += job.bytes;
    this.keys.add(key);
    return true;
  }

  /** The next job that may start now, or null (width and in-flight bytes permitting). */
  take(limits: LaneLimits): DeliveryJob | null {
    const job = this.buffer[0];
    if (!job || this.inflight >= limits.width) return null;
    if (this.inflight > 0 && this.inflightBytes + job.bytes > limits.inflightBytes) return null;
    this.buffer.shift();
    this.bufferBytes -= job.bytes;
    this.inflight++;
    this.inflightBytes += job.bytes;
    return job;
  }

  /** A job that ran (whatever the outcome) leaves the lane. */
  done(job: DeliveryJob): void {
    this.inflight--;
    this.inflightBytes -= job.bytes;
    this.keys.delete(keyOf(job));
  }

  /** Drops the buffered jobs (their rows stay pending): returns what was dropped. */
  dropBuffer(): DeliveryJob[] {
    const dropped = this.buffer;
    for (const job of dropped) this.keys.delete(keyOf(job));
    this.buffer = [];
    this.bufferBytes = 0;
    if (dropped.length > 0) this.backlog = true;
    return dropped;
  }

  /**
   * Runs `onDue` at `at` (ms since the epoch), after reading the backlog again from the start,
   * unless a retry falls due at or before `at` already.
   */
  retryAtLeast(at: number, onDue: () => void): void {
    if (this.retryAt !== null && this.retryAt <= at) return;
    this.clearRetry();
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = null;
      this.rewind();
      onDue();
    }, Math.max(0, at - Date.now()));
    Deno.unrefTimer(this.retryTimer);
  }

  /** Cancels the retry timer, if any. */
  clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  }

  /** Reads the backlog again from the start (retries fell due, or the plugin runs again). */
  rewind(): void {
    this.cursor = 0;
    this.backlog = true;
  }
}
