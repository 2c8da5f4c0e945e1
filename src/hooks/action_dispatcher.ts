/**
 * Delivers accepted events to subscribed plugins. The database is the queue: a lane per plugin
 * keeps a bounded window of jobs in memory and pages the rest in by rowid, so neither a backlog
 * of any size nor a crash loses or hoards work. Plugins that are failed, in backoff or disabled
 * are parked: nothing is attempted or written for them until they run again. A periodic sweep
 * picks up pending rows nobody is working on (also at start: recovery pages through them all).
 */
import type { Store } from "../store/mod.ts";
import { type DeliveryJob, DeliveryLane, keyOf } from "./delivery_lane.ts";
import {
  type Accepted,
  backoffMs,
  DISPATCH_LIMITS,
  type DispatchLimits,
  failureOf,
  invokeDelivery,
  ms,
  parkedResult,
  type RetryPolicy,
} from "./dispatch_policy.ts";
import type { DeliveryRow } from "./event_store.ts";
import { pendingByPlugin } from "./pending_deliveries.ts";
import { refillLane } from "./lane_refill.ts";
import { boundResultText } from "./bounded_result.ts";
import type { ResultWriter } from "./result_writer.ts";
import { toResult, Trackers } from "./trackers.ts";
import type { HookHost } from "./types.ts";
import { contextWith, endSpan, startSpan, TRACING, withContext } from "../tracing/mod.ts";

/** See the module doc. */
export class ActionDispatcher {
  readonly trackers = new Trackers();
  #store: Store;
  #host: HookHost;
  #writer: ResultWriter;
  #retry: RetryPolicy;
  #limits: DispatchLimits;
  #log: (message: string) => void;
  #lanes = new Map<string, DeliveryLane>();
  #buffered = 0;
  #running = false;
  #sweepTimer: ReturnType<typeof setInterval> | null = null;
  #inFlight = 0;
  #idle: PromiseWithResolvers<void> | null = null;

  constructor(
    deps: { store: Store; host: HookHost; writer: ResultWriter; log: (m: string) => void },
    retry: RetryPolicy,
    limits: Partial<DispatchLimits> = {},
  ) {
    this.#store = deps.store;
    this.#host = deps.host;
    this.#writer = deps.writer;
    this.#log = deps.log;
    this.#retry = retry;
    this.#limits = { ...DISPATCH_LIMITS, ...limits };
  }

  /** Starts delivering: pages through every pending row, then sweeps every `sweepMs`. */
  async start(): Promise<number> {
    this.#running = true;
    const pending = await this.sweep();
    this.#sweepTimer = setInterval(() => void this.sweep().catch(() => {}), this.#limits.sweepMs);
    Deno.unrefTimer(this.#sweepTimer);
    return pending;
  }

  /** Stops starting jobs; waits up to `deadlineMs` for calls in flight (the rest stay pending). */
  async stop(deadlineMs = 3000): Promise<void> {
    this.#running = false;
    if (this.#sweepTimer !== null) clearInterval(this.#sweepTimer);
    for (const lane of this.#lanes.values()) lane.clearRetry();
    if (this.#inFlight === 0) return;
    this.#idle = Promise.withResolvers<void>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, deadlineMs));
    await Promise.race([this.#idle.promise, late]).finally(() => clearTimeout(timer));
  }

  /** Takes the deliveries of freshly committed events (their rows are already pending). */
  accept(accepted: Accepted[]): void {
    const touched = new Set<DeliveryLane>();
    for (const { event, subscribers, bytes, trace } of accepted) {
      for (const s of subscribers) {
        const lane = this.#lane(s.pluginId);
        const job: DeliveryJob = {
          event,
          pluginId: s.pluginId,
          hook: s.hook,
          attempts: 0,
          bytes,
          trace,
        };
        if (lane.parked !== null) {
          this.trackers.finish(event.id, parkedResult(job, lane.parked));
        } else if (
          this.#running && !lane.backlog &&
          lane.offer(job, this.#limits, this.#limits.totalBufferBytes - this.#buffered)
        ) {
          this.#buffered += bytes;
        } else {
          lane.backlog = true; // the row is in the database; the lane pages it in
          if (lane.refilling) lane.deferredDuringRefill = true;
        }
        touched.add(lane);
      }
    }
    for (const lane of touched) this.#pump(lane);
  }

  /** Why deliveries to `pluginId` are parked, or null. */
  parkedReason(pluginId: string): string | null {
    return this.#lanes.get(pluginId)?.parked ?? null;
  }

  /** A plugin's runtime state changed: park its lane, or let it run again. */
  pluginState(pluginId: string, state: string): void {
    const lane = this.#lanes.get(pluginId);
    if (!lane) return;
    const reason = this.#host.deliverable(pluginId);
    if (reason === null && lane.parked !== null) {
      lane.parked = null;
      lane.rewind();
      this.#pump(lane);
    } else if (reason !== null && (state === "failed" || state === "backoff")) {
      this.#park(lane, reason);
    }
  }

  /**
   * Looks at every plugin with pending rows: parks those that cannot take deliveries, lets the
   * others (re)read their rows when nothing of theirs is in memory. Returns the pending count.
   */
  async sweep(): Promise<number> {
    if (!this.#running) return 0;
    let total = 0;
    const now = Date.now();
    for (const { pluginId, count, dueAt } of await pendingByPlugin(this.#store)) {
      total += count;
      const lane = this.#lane(pluginId);
      const reason = this.#host.deliverable(pluginId);
      if (reason !== null) {
        this.#park(lane, reason);
        continue;
      }
      if (lane.parked !== null) {
        lane.parked = null;
        lane.rewind();
      }
      if (dueAt > now) {
        this.#retryAt(lane, dueAt);
      } else if (!lane.backlog) lane.rewind(); // rows nobody is working on
      this.#pump(lane);
    }
    return total;
  }

  /** Jobs and bytes in memory, and parked plugins (for metrics and the soak bench). */
  stats(): { bufferedBytes: number; inFlight: number; parked: string[] } {
    const parked = [...this.#lanes.values()].filter((l) => l.parked !== null).map((l) =>
      l.pluginId
    );
    return { bufferedBytes: this.#buffered, inFlight: this.#inFlight, parked };
  }

  #lane(pluginId: string): DeliveryLane {
    let lane = this.#lanes.get(pluginId);
    if (!lane) this.#lanes.set(pluginId, lane = new DeliveryLane(pluginId));
    return lane;
  }

  #pump(lane: DeliveryLane): void {
    if (!this.#running || lane.parked !== null) return;
    for (let job = lane.take(this.#limits); job; job = lane.take(this.#limits)) {
      this.#buffered -= job.bytes;
      this.#inFlight++;
      const started = job;
      // One reaction for either outcome (not a catch and a finally: two promises per delivery).
      this.#run(lane, started).then(() => this.#ran(lane, started), (error) => {
        this.#log(`delivery failed: ${error?.message}`);
        this.#ran(lane, started);
      });
    }
    if (lane.buffer.length === 0 && lane.backlog && !lane.refilling) void this.#refill(lane);
  }

  /** A job that ran (whatever the outcome) leaves its lane; the lane takes its next ones. */
  #ran(lane: DeliveryLane, job: DeliveryJob): void {
    lane.done(job);
    if (--this.#inFlight === 0) this.#idle?.resolve();
    this.#pump(lane);
  }

  async #refill(lane: DeliveryLane): Promise<void> {
    await refillLane(lane, {
      store: this.#store,
      writer: this.#writer,
      limits: this.#limits,
      buffered: () => this.#buffered,
      addBuffered: (bytes) => this.#buffered += bytes,
      retryAt: (at) => this.#retryAt(lane, at),
      log: this.#log,
    });
    this.#pump(lane);
  }

  async #run(lane: DeliveryLane, job: DeliveryJob): Promise<void> {
    const attempts = job.attempts + 1;
    const started = performance.now();
    const base = { eventId: job.event.id, pluginId: job.pluginId, hook: job.hook, attempts };
    // Spans only when tracing is on: off, their attributes would be built for nothing.
    const span = TRACING
      ? startSpan("plugd.event.dispatch", {
        "cloudevents.event_id": job.event.id,
        "plugd.plugin": job.pluginId,
        "plugd.hook": job.hook,
        "plugd.attempt": attempts,
      }, job.trace)
      : undefined;
    const traced = contextWith(span, job.trace);
    let row: DeliveryRow;
    try {
      const result = await (span
        ? withContext(traced, () =>
          invokeDelivery(this.#host, job))
        : invokeDelivery(this.#host, job));
      // The waiting caller and the stored copy get the same bounded value (its JSON made once).
      const bounded = boundResultText(result);
      row = {
        ...base,
        status: "ok",
        durationMs: ms(started),
        result: bounded.value,
        resultText: bounded.text,
        error: null,
        nextAttemptAt: 0,
      };
    } catch (error) {
      const durationMs = ms(started);
      const failure = failureOf(error, attempts, this.#running, this.#retry);
      const fields = { ...base, durationMs, result: undefined, error: failure.error };
      if (failure.status === "stopping") {
        endSpan(span, error, { "plugd.delivery.status": "pending" });
        return; // stopping: the row stays pending, delivered after restart
      } else if (failure.status === "unavailable") {
        endSpan(span, error, { "plugd.delivery.status": "unavailable" });
        // Never reached the plugin: not an attempt, nothing written.
        const reason = this.#host.deliverable(job.pluginId);
        if (reason !== null) {
          this.#park(lane, reason);
          this.trackers.finish(job.event.id, parkedResult(job, reason));
        } else this.#retryAt(lane, Date.now() + 1000); // its queue was full: try again soon
        lane.backlog = true;
        return;
      } else if (failure.status === "retry") {
        const nextAttemptAt = Date.now() + backoffMs(this.#retry, attempts);
        this.#writer.record({ ...fields, status: "pending", nextAttemptAt });
        lane.backlog = true;
        this.#retryAt(lane, nextAttemptAt);
        endSpan(span, error, { "plugd.delivery.status": "retry" });
        return;
      }
      row = { ...fields, status: failure.status, nextAttemptAt: 0 };
    }
    this.#writer.record(row, keyOf(job));
    if (span) {
      // The result as its own step of the trace: what was recorded for this delivery.
      endSpan(startSpan("plugd.event.result", {
        "plugd.plugin": row.pluginId,
        "plugd.delivery.status": row.status,
        "plugd.delivery.duration_ms": row.durationMs ?? 0,
      }, traced));
      endSpan(span, row.status === "ok" ? undefined : row.error, {
        "plugd.delivery.status": row.status,
      });
    }
    // The API's shape of the result only for a caller that waits for it (`?wait=true`).
    if (this.trackers.waits(row.eventId)) this.trackers.finish(row.eventId, toResult(row));
  }

  #park(lane: DeliveryLane, reason: string): void {
    if (lane.parked === null) this.#log(`deliveries to ${lane.pluginId} parked: ${reason}`);
    lane.parked = reason;
    lane.clearRetry();
    for (const job of lane.dropBuffer()) {
      this.#buffered -= job.bytes;
      this.trackers.finish(job.event.id, parkedResult(job, reason));
    }
  }

  #retryAt(lane: DeliveryLane, at: number): void {
    lane.retryAtLeast(at, () => this.#pump(lane));
  }
}
