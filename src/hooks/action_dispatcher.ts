/** Delivers accepted events to subscribed plugins: per-plugin lanes, retries, outcomes. */
import { PluginCallError, PluginTimeoutError } from "../runtime/mod.ts";
import type { DeliveryRow } from "./event_store.ts";
import type { ResultWriter } from "./result_writer.ts";
import type { CloudEvent, DeliveryResult, HookHost } from "./types.ts";

/** Retry policy for deliveries the plugin never answered (exit, restart, unavailable). */
export interface RetryPolicy {
  /** Attempts before a delivery is marked `failed`. @default 5 */
  maxAttempts: number;
  /** First retry delay, doubled per attempt (capped at 30 s). @default 500 */
  baseDelayMs: number;
}

/** One delivery to run. */
export interface DeliveryJob {
  event: CloudEvent;
  pluginId: string;
  hook: string;
  /** Attempts already made. */
  attempts: number;
  /** Not before this time (ms since the epoch): a scheduled retry. @default now */
  notBefore?: number;
}

interface Tracker {
  remaining: number;
  results: DeliveryResult[];
  done: PromiseWithResolvers<DeliveryResult[]>;
}

/** Calls in flight per plugin (below the runtime's queue limit, so calls are never refused). */
const LANE_WIDTH = 256;

/**
 * Runs deliveries concurrently, at most `LANE_WIDTH` in flight per plugin. A handler that
 * answered (ok, threw, timed out) is final; a plugin that never answered is retried with
 * backoff up to `maxAttempts`, then `failed`. Every state change goes to the `ResultWriter`.
 */
export class ActionDispatcher {
  #host: HookHost;
  #writer: ResultWriter;
  #retry: RetryPolicy;
  #lanes = new Map<string, { active: number; queue: DeliveryJob[] }>();
  #active = new Set<string>();
  #trackers = new Map<string, Tracker>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #running = false;
  #inFlight = 0;
  #idle: PromiseWithResolvers<void> | null = null;

  constructor(host: HookHost, writer: ResultWriter, retry: RetryPolicy) {
    this.#host = host;
    this.#writer = writer;
    this.#retry = retry;
  }

  /** Starts running queued jobs (jobs submitted before `start()` wait). */
  start(): void {
    this.#running = true;
    for (const pluginId of this.#lanes.keys()) this.#pump(pluginId);
  }

  /** Stops taking new jobs and waits for calls in flight; unfinished rows stay pending. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#inFlight > 0) {
      this.#idle = Promise.withResolvers<void>();
      await this.#idle.promise;
    }
  }

  /** Whether the delivery is queued or running in this process. */
  isActive(job: Pick<DeliveryJob, "event" | "pluginId" | "hook">): boolean {
    return this.#active.has(jobKey(job));
  }

  /** Queues deliveries of one event; `track` makes `completion(id)` available. */
  dispatch(jobs: DeliveryJob[], track: boolean): void {
    if (track && jobs.length > 0) {
      this.#trackers.set(jobs[0]!.event.id, {
        remaining: jobs.length,
        results: [],
        done: Promise.withResolvers(),
      });
    }
    for (const job of jobs) this.#enqueue(job, Math.max(0, (job.notBefore ?? 0) - Date.now()));
  }

  /** Resolves with the final results of a tracked event, or undefined when not tracked. */
  completion(eventId: string): Promise<DeliveryResult[]> | undefined {
    return this.#trackers.get(eventId)?.done.promise;
  }

  #enqueue(job: DeliveryJob, delayMs: number): void {
    this.#active.add(jobKey(job));
    if (delayMs > 0) {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        this.#enqueue(job, 0);
      }, delayMs);
      this.#timers.add(t);
      return;
    }
    let lane = this.#lanes.get(job.pluginId);
    if (!lane) this.#lanes.set(job.pluginId, lane = { active: 0, queue: [] });
    lane.queue.push(job);
    this.#pump(job.pluginId);
  }

  #pump(pluginId: string): void {
    const lane = this.#lanes.get(pluginId);
    if (!lane) return;
    while (this.#running && lane.active < LANE_WIDTH && lane.queue.length > 0) {
      const job = lane.queue.shift()!;
      lane.active++;
      this.#inFlight++;
      this.#run(job).finally(() => {
        lane.active--;
        this.#inFlight--;
        if (this.#inFlight === 0) this.#idle?.resolve();
        if (lane.active === 0 && lane.queue.length === 0) this.#lanes.delete(pluginId);
        else this.#pump(pluginId);
      });
    }
  }

  async #run(job: DeliveryJob): Promise<void> {
    const attempts = job.attempts + 1;
    const started = performance.now();
    const base = { eventId: job.event.id, pluginId: job.pluginId, hook: job.hook, attempts };
    let row: DeliveryRow;
    try {
      const result = await this.#host.invoke(job.pluginId, "action", job.hook, job.event);
      row = {
        ...base,
        status: "ok",
        durationMs: ms(started),
        result,
        error: null,
        nextAttemptAt: 0,
      };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      const durationMs = ms(started);
      if (error instanceof PluginCallError || error instanceof PluginTimeoutError) {
        const status = error instanceof PluginTimeoutError ? "timeout" : "error";
        row = { ...base, status, durationMs, result: undefined, error: message, nextAttemptAt: 0 };
      } else if (!this.#running) {
        return; // stopping: the row stays pending and is redelivered on the next start
      } else if (attempts < this.#retry.maxAttempts) {
        const delay = Math.min(30_000, this.#retry.baseDelayMs * 2 ** (attempts - 1));
        this.#writer.record({
          ...base,
          status: "pending",
          durationMs,
          result: undefined,
          error: message,
          nextAttemptAt: Date.now() + delay,
        });
        this.#enqueue({ ...job, attempts }, delay);
        return;
      } else {
        row = {
          ...base,
          status: "failed",
          durationMs,
          result: undefined,
          error: `gave up after ${attempts} attempts: ${message}`,
          nextAttemptAt: 0,
        };
      }
    }
    this.#writer.record(row);
    this.#active.delete(jobKey(job));
    this.#finish(row);
  }

  #finish(row: DeliveryRow): void {
    const tracker = this.#trackers.get(row.eventId);
    if (!tracker) return;
    tracker.results.push(toResult(row));
    if (--tracker.remaining === 0) {
      this.#trackers.delete(row.eventId);
      tracker.done.resolve(tracker.results);
    }
  }
}

function jobKey(job: Pick<DeliveryJob, "event" | "pluginId" | "hook">): string {
  return `${job.event.id}\u0000${job.pluginId}\u0000${job.hook}`;
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** A delivery row in the API's result shape. */
export function toResult(row: DeliveryRow): DeliveryResult {
  return {
    plugin: row.pluginId,
    hook: row.hook,
    status: row.status,
    attempts: row.attempts,
    duration_ms: row.durationMs,
    ...(row.result !== undefined ? { result: row.result } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
  };
}
