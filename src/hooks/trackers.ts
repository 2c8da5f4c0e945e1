/** Waiters of `POST /v1/events?wait=true`: one entry per waited event, none for the others. */
import type { DeliveryRow } from "./event_store.ts";
import type { DeliveryResult } from "./types.ts";

interface Tracker {
  remaining: number;
  results: DeliveryResult[];
  done: PromiseWithResolvers<DeliveryResult[]>;
}

/** Collects the results of events someone waits for (a parked delivery counts, as pending). */
export class Trackers {
  #trackers = new Map<string, Tracker>();

  /** Starts collecting `count` results of `eventId`; resolves with them. */
  track(eventId: string, count: number): Promise<DeliveryResult[]> {
    const tracker = { remaining: count, results: [], done: Promise.withResolvers() } as Tracker;
    this.#trackers.set(eventId, tracker);
    if (count === 0) this.#settle(eventId, tracker);
    return tracker.done.promise;
  }

  /** Stops collecting (the waiter gave up, or the event was a duplicate). */
  forget(eventId: string): void {
    this.#trackers.delete(eventId);
  }

  /** Records one result of `eventId` (ignored when nobody waits for it). */
  finish(eventId: string, result: DeliveryResult): void {
    const tracker = this.#trackers.get(eventId);
    if (!tracker) return;
    tracker.results.push(result);
    if (--tracker.remaining <= 0) this.#settle(eventId, tracker);
  }

  #settle(eventId: string, tracker: Tracker): void {
    this.#trackers.delete(eventId);
    tracker.done.resolve(tracker.results);
  }
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
