/** One-shot messages carried across a POST → 303 → GET, per session, in memory. */
import type { Flash } from "./ui/page.ts";

/** Sessions with pending messages kept at most (oldest dropped first). */
const MAX_SESSIONS = 1000;

/** Pending flash messages by session. */
export class Flashes {
  #pending = new Map<string, Flash[]>();

  /** Queues `flash` for the session's next page. */
  push(sessionKey: string, flash: Flash): void {
    const list = this.#pending.get(sessionKey) ?? [];
    list.push(flash);
    this.#pending.delete(sessionKey);
    this.#pending.set(sessionKey, list.slice(-5));
    if (this.#pending.size > MAX_SESSIONS) {
      this.#pending.delete(this.#pending.keys().next().value!);
    }
  }

  /** Takes the session's pending messages. */
  take(sessionKey: string): Flash[] {
    const list = this.#pending.get(sessionKey) ?? [];
    this.#pending.delete(sessionKey);
    return list;
  }
}
