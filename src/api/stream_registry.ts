/**
 * Every long-lived response (log follows, live views) registers here: at most `perActor` per
 * token and `total` in all, each re-checked every `checkMs` (a revoked or expired token ends its
 * streams within that), and all of them ended at once when the daemon stops.
 */
import { HttpError } from "./problem.ts";

/** Limits of {@linkcode StreamRegistry}; see docs/operations.md ("Streams"). */
export interface StreamLimits {
  /** Streams open at once per caller (token). @default 8 */
  perActor: number;
  /** Streams open at once in all. @default 128 */
  total: number;
  /** Bytes a slow client may fall behind before its stream ends. @default 1 MiB */
  bufferBytes: number;
}

/** Defaults of {@linkcode StreamLimits}. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  perActor: 8,
  total: 128,
  bufferBytes: 1024 * 1024,
};

/** Options of {@linkcode StreamRegistry}. */
export interface StreamRegistryOptions {
  limits?: Partial<StreamLimits>;
  /** Why `actor` may no longer stream (e.g. "the token was revoked"), or null while it may. */
  checkActor?: (actor: string) => Promise<string | null>;
  /** @default 500 */
  checkMs?: number;
}

interface Entry {
  actor: string;
  end: (reason: string) => void;
}

/** See the module doc. */
export class StreamRegistry {
  readonly limits: StreamLimits;
  #entries = new Set<Entry>();
  #check: ((actor: string) => Promise<string | null>) | null;
  #checkMs: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #checking = false;

  constructor(options: StreamRegistryOptions = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
    for (const [k, v] of Object.entries(this.limits)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be >= 1; got ${v}`);
    }
    this.#check = options.checkActor ?? null;
    this.#checkMs = options.checkMs ?? 500;
  }

  /** Streams open now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Registers a stream for `actor` (429 over the per-caller limit, 503 over the total), with
   * `end` to call when it must stop. Call the returned function when the stream ended.
   */
  open(actor: string, end: (reason: string) => void): () => void {
    const mine = [...this.#entries].filter((e) => e.actor === actor).length;
    if (mine >= this.limits.perActor) {
      throw new HttpError(
        429,
        `At most ${this.limits.perActor} streams may be open per token; close one first`,
        { headers: { "retry-after": "5" } },
      );
    }
    if (this.#entries.size >= this.limits.total) {
      throw new HttpError(
        503,
        `The daemon serves at most ${this.limits.total} streams at once; retry later`,
        { headers: { "retry-after": "5" } },
      );
    }
    const entry: Entry = { actor, end };
    this.#entries.add(entry);
    this.#arm();
    return () => {
      this.#entries.delete(entry);
      if (this.#entries.size === 0 && this.#timer !== null) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }

  /** Ends the streams of `actor` now (its token was revoked). */
  endActor(actor: string, reason: string): void {
    for (const e of [...this.#entries]) if (e.actor === actor) e.end(reason);
  }

  /** Ends every stream (the daemon is stopping). */
  endAll(reason: string): void {
    for (const e of [...this.#entries]) e.end(reason);
  }

  #arm(): void {
    if (this.#timer !== null || this.#check === null) return;
    this.#timer = setInterval(() => void this.#recheck(), this.#checkMs);
  }

  async #recheck(): Promise<void> {
    if (this.#checking || this.#check === null) return;
    this.#checking = true;
    try {
      const actors = new Set([...this.#entries].map((e) => e.actor));
      for (const actor of actors) {
        const problem = await this.#check(actor).catch(() => null);
        if (problem !== null) this.endActor(actor, problem);
      }
    } finally {
      this.#checking = false;
    }
  }
}
