/**
 * Delivers accepted events to subscribed plugins. The database is the queue: a lane per plugin
 * keeps a bounded window of jobs in memory and pages the rest in by rowid, so neither a backlog
 * of any size nor a crash loses or hoards work. Plugins that are failed, in backoff or disabled
 * are parked: nothing is attempted or written for them until they run again. A periodic sweep
 * picks up pending rows nobody is working on (also at start: recovery pages through them all).
 */
import { PluginCallError, PluginTimeoutError, PluginUnavailableError } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import { type DeliveryJob, deliveryKey, DeliveryLane, keyOf } from "./delivery_lane.ts";
import {
  type Accepted,
  DISPATCH_LIMITS,
  type DispatchLimits,
  parkedResult,
  type RetryPolicy,
} from "./dispatch_policy.ts";
import type { DeliveryRow } from "./event_store.ts";
import { loadEnvelopes, pendingByPlugin, pendingPage } from "./pending_deliveries.ts";
import { boundResultText } from "./bounded_result.ts";
import type { ResultWriter } from "./result_writer.ts";
import { toResult, Trackers } from "./trackers.ts";
import type { CloudEvent, HookHost } from "./types.ts";
import { contextWith, endSpan, startSpan, TRACING, withContext } from "../tracing/mod.ts";

export { toResult };
export type { DeliveryJob };
export { type Accepted, DISPATCH_LIMITS, type DispatchLimits, type RetryPolicy };

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
    for (const lane of this.#lanes.values()) this.#clearRetry(lane);
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
    lane.refilling = true;
    lane.deferredDuringRefill = false;
    try {
      const { pageRows, bufferJobs, bufferBytes, totalBufferBytes } = this.#limits;
      const rows = await pendingPage(this.#store, lane.pluginId, lane.cursor, pageRows);
      const now = Date.now();
      const room = Math.min(bufferBytes, totalBufferBytes - this.#buffered);
      const take: { eventId: string; hook: string; attempts: number; bytes: number }[] = [];
      let bytes = 0;
      let handled = 0;
      for (const r of rows) {
        if (take.length >= bufferJobs || (take.length > 0 && bytes + r.bytes > room)) break;
        handled++;
        lane.cursor = r.rowid;
        const key = deliveryKey(r.eventId, lane.pluginId, r.hook);
        if (lane.keys.has(key)) continue; // in memory already
        const queued = this.#writer.queued(key); // an outcome not yet written wins
        if (queued && queued.status !== "pending") continue;
        const due = queued?.nextAttemptAt ?? r.nextAttemptAt;
        if (due > now) {
          this.#retryAt(lane, due);
          continue;
        }
        take.push({ ...r, attempts: queued?.attempts ?? r.attempts });
        bytes += r.bytes;
      }
      const events = await loadEnvelopes(this.#store, take.map((t) => t.eventId));
      for (const t of take) {
        const event = events.get(t.eventId);
        const job = event &&
          { event, pluginId: lane.pluginId, hook: t.hook, attempts: t.attempts, bytes: t.bytes };
        if (
          job &&
          lane.offer(
            job,
            { ...this.#limits, bufferJobs: Infinity, bufferBytes: Infinity },
            Infinity,
          )
        ) {
          this.#buffered += job.bytes;
        }
      }
      if (handled === rows.length && rows.length < pageRows && !lane.deferredDuringRefill) {
        lane.backlog = false;
      }
    } catch (error) {
      this.#log(`cannot read pending deliveries of ${lane.pluginId}: ${(error as Error).message}`);
      this.#retryAt(lane, Date.now() + 1000);
    } finally {
      lane.refilling = false;
    }
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
        ? withContext(traced, () => this.#invoke(job))
        : this.#invoke(job));
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
      const message = (error as Error)?.message ?? String(error);
      const durationMs = ms(started);
      const final = (status: DeliveryRow["status"], text: string): DeliveryRow => ({
        ...base,
        status,
        durationMs,
        result: undefined,
        error: text,
        nextAttemptAt: 0,
      });
      if (error instanceof PluginCallError) row = final("error", message);
      else if (error instanceof PluginTimeoutError) row = final("timeout", message);
      else if (!this.#running) {
        endSpan(span, error, { "plugd.delivery.status": "pending" });
        return; // stopping: the row stays pending, delivered after restart
      } else if (error instanceof PluginUnavailableError) {
        endSpan(span, error, { "plugd.delivery.status": "unavailable" });
        // Never reached the plugin: not an attempt, nothing written.
        const reason = this.#host.deliverable(job.pluginId);
        if (reason !== null) {
          this.#park(lane, reason);
          this.trackers.finish(job.event.id, parkedResult(job, reason));
        } else this.#retryAt(lane, Date.now() + 1000); // its queue was full: try again soon
        lane.backlog = true;
        return;
      } else if (attempts < this.#retry.maxAttempts) {
        const nextAttemptAt = Date.now() +
          Math.min(30_000, this.#retry.baseDelayMs * 2 ** (attempts - 1));
        this.#writer.record({
          ...base,
          status: "pending",
          durationMs,
          result: undefined,
          error: message,
          nextAttemptAt,
        });
        lane.backlog = true;
        this.#retryAt(lane, nextAttemptAt);
        endSpan(span, error, { "plugd.delivery.status": "retry" });
        return;
      } else {
        row = final(
          "failed",
          `gave up after ${attempts} attempts: each ended without an answer from the plugin ` +
            `(its process exited or was stopped during the call; delivery.crash_retries = ` +
            `${this.#retry.maxAttempts - 1}); last: ${message}`,
        );
      }
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

  /** The plugin's call of one delivery (recorded as an execution of its event and attempt). */
  #invoke(job: DeliveryJob): Promise<unknown> {
    return this.#host.invoke(job.pluginId, "action", job.hook, job.event, {
      record: { eventId: job.event.id, attempt: job.attempts + 1 },
      tenant: tenantOf(job.event),
    });
  }

  #park(lane: DeliveryLane, reason: string): void {
    if (lane.parked === null) this.#log(`deliveries to ${lane.pluginId} parked: ${reason}`);
    lane.parked = reason;
    this.#clearRetry(lane);
    for (const job of lane.dropBuffer()) {
      this.#buffered -= job.bytes;
      this.trackers.finish(job.event.id, parkedResult(job, reason));
    }
  }

  #retryAt(lane: DeliveryLane, at: number): void {
    if (lane.retryAt !== null && lane.retryAt <= at) return;
    this.#clearRetry(lane);
    lane.retryAt = at;
    lane.retryTimer = setTimeout(() => {
      lane.retryTimer = null;
      lane.retryAt = null;
      lane.rewind();
      this.#pump(lane);
    }, Math.max(0, at - Date.now()));
    Deno.unrefTimer(lane.retryTimer);
  }

  #clearRetry(lane: DeliveryLane): void {
    if (lane.retryTimer !== null) clearTimeout(lane.retryTimer);
    lane.retryTimer = null;
    lane.retryAt = null;
  }
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** The event's `tenant` attribute (checked at intake), or null. */
function tenantOf(event: CloudEvent): string | null {
  return typeof event.tenant === "string" ? event.tenant : null;
}
