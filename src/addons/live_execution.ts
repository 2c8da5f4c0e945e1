/**
 * A call in progress, in memory: its output lines and progress as they arrive, for followers
 * (`GET .../executions/{id}?follow=true`, the job's progress). Bounded: the newest lines only.
 */
import type { ExecutionRecord } from "./types.ts";

/** One thing a follower sees. */
export type LiveEvent =
  | { type: "output"; stream: "stdout" | "stderr"; line: string }
  | { type: "progress"; percent: number; message: string }
  | { type: "end"; record: ExecutionRecord };

/** Lines kept for followers that arrive late. */
const KEEP_EVENTS = 2_000;

/** The live side of one execution. */
export class LiveExecution {
  readonly id: string;
  #events: LiveEvent[] = [];
  #followers = new Set<(e: LiveEvent) => void>();
  #end = Promise.withResolvers<ExecutionRecord>();
  #ended = false;
  /** The last progress, for views. */
  progress: { percent: number; message: string } | null = null;

  constructor(id: string) {
    this.id = id;
    this.#end.promise.catch(() => {});
  }

  /** Resolves with the final record. */
  get done(): Promise<ExecutionRecord> {
    return this.#end.promise;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Records one event and tells the followers. */
  push(event: LiveEvent): void {
    if (this.#ended) return;
    if (event.type === "progress") {
      this.progress = { percent: event.percent, message: event.message };
    }
    this.#events.push(event);
    if (this.#events.length > KEEP_EVENTS) this.#events.shift();
    for (const f of this.#followers) f(event);
  }

  /** Ends it with the final record. */
  finish(record: ExecutionRecord): void {
    if (this.#ended) return;
    this.push({ type: "end", record });
    this.#ended = true;
    this.#followers.clear();
    this.#end.resolve(record);
  }

  /** Every event so far, then each new one until the end; returns the unsubscribe. */
  follow(onEvent: (e: LiveEvent) => void): () => void {
    for (const e of this.#events) onEvent(e);
    if (this.#ended) return () => {};
    this.#followers.add(onEvent);
    return () => this.#followers.delete(onEvent);
  }
}
