/** Waiters of `POST /v1/events?wait=true`: one entry per waited event, none for the others. */
import type { DeliveryRow } from "./event_store.ts";
import type { DeliveryResult } from "./types.ts";

interface Tracker {
  remaining: number;
  results: DeliveryResult[];
  done: PromiseWithResolvers<DeliveryResult[] | null>;
  deadline: number;
}

/**
 * Collects the results of events someone waits for (a parked delivery counts, as pending). Waits
 * that run out resolve with null; one timer serves all of them (armed for the earliest deadline),
 * not one per waited event.
 */
export class Trackers {
  #trackers = new Map<string, Tracker>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;

  /**
   * Starts collecting `count` results of `eventId`; resolves with them, or with null after
   * `timeoutMs` (then nothing is collected any more).
   */
  track(eventId: string, count: number, timeoutMs = Infinity): Promise<DeliveryResult[] | null> {
    const deadline = Date.now() + timeoutMs;
    const tracker: Tracker = {
      remaining: count,
      results: [],
      done: Promise.withResolvers(),
      deadline,
    };
    this.#trackers.set(eventId, tracker);
    if (count === 0) this.#settle(eventId, tracker);
    else if (deadline < this.#timerAt) this.#arm(deadline);
    return tracker.done.promise;
  }

  /** Stops collecting (the waiter gave up, or the event was a duplicate). */
  forget(eventId: string): void {
    this.#trackers.delete(eventId);
  }

  /** Whether someone waits for the results of `eventId` (else no result needs to be made). */
  waits(eventId: string): boolean {
    return this.#trackers.has(eventId);
  }

  /** Records one result of `eventId` (ignored when nobody waits for it). */
  finish(eventId: string, result: DeliveryResult): void {
    const tracker = this.#trackers.get(eventId);
    if (!tracker) return;
    tracker.results.push(result);
    if (--tracker.remaining <= 0) this.#settle(eventId, tracker);
  }

  /** Ends every wait (with null) and the timer: the bus stops. */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
    for (const tracker of this.#trackers.values()) tracker.done.resolve(null);
    this.#trackers.clear();
  }

  #settle(eventId: string, tracker: Tracker): void {
    this.#trackers.delete(eventId);
    tracker.done.resolve(tracker.results);
  }

  #arm(at: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - Date.now()));
    // Stays armed while no one waits (no timer per waited event); never keeps the process alive.
    Deno.unrefTimer(this.#timer);
  }

  /** Ends the waits that ran out and re-arms for the earliest one left. */
  #expire(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [id, tracker] of this.#trackers) {
      if (tracker.deadline <= now) {
        this.#trackers.delete(id);
        tracker.done.resolve(null);
      } else next = Math.min(next, tracker.deadline);
    }
    if (next < Infinity) this.#arm(next);
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

/** Results ordered by plugin, then hook (the order `?wait=true` answers in). */
export function sortedResults(results: DeliveryResult[]): DeliveryResult[] {
  return [...results].sort((a, b) =>
    a.plugin < b.plugin ? -1 : a.plugin > b.plugin ? 1 : a.hook < b.hook ? -1 : 1
  );
}
