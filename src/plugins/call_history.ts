/**
 * The last hour of calls into each plugin, in one-minute buckets (count, errors, timeouts,
 * total and slowest duration), and each handler's last call. In memory, bounded: 60 buckets per
 * plugin and one entry per declared handler. Serves `GET /v1/plugins/{id}/activity`.
 */

/** One minute of calls. */
export interface MinuteBucket {
  /** Start of the minute, ms since the epoch. */
  t: number;
  calls: number;
  errors: number;
  timeouts: number;
  totalMs: number;
  maxMs: number;
}

/** The last call of one handler (`action deployment.post_create`, `cron digest`, ...). */
export interface HandlerCall {
  kind: string;
  name: string;
  last_at: string;
  last_status: "ok" | "error" | "timeout";
  last_duration_ms: number;
  calls: number;
  errors: number;
}

/** A plugin's activity as the API answers it. */
export interface Activity {
  /** Per minute, oldest first, the last 60 minutes (empty minutes included). */
  minutes: {
    t: string;
    calls: number;
    errors: number;
    timeouts: number;
    avg_ms: number | null;
    max_ms: number | null;
  }[];
  handlers: HandlerCall[];
}

const MINUTE = 60_000;
const WINDOW = 60;
/** Handlers remembered per plugin (a manifest allows at most 256 hooks, 16 routes, 8 cron). */
const MAX_HANDLERS = 300;

interface PluginCalls {
  minutes: MinuteBucket[];
  handlers: Map<string, HandlerCall>;
}

/** Records calls and answers activity queries. */
export class CallHistory {
  #plugins = new Map<string, PluginCalls>();
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records one finished call. */
  record(
    call: { id: string; kind: string; name: string },
    durationMs: number,
    status: "ok" | "error" | "timeout",
  ): void {
    let p = this.#plugins.get(call.id);
    if (!p) this.#plugins.set(call.id, p = { minutes: [], handlers: new Map() });
    const now = this.#now();
    const t = now - (now % MINUTE);
    let bucket = p.minutes.at(-1);
    if (!bucket || bucket.t !== t) {
      bucket = { t, calls: 0, errors: 0, timeouts: 0, totalMs: 0, maxMs: 0 };
      p.minutes.push(bucket);
      while (p.minutes.length > 0 && p.minutes[0]!.t <= t - WINDOW * MINUTE) p.minutes.shift();
    }
    bucket.calls++;
    if (status === "error") bucket.errors++;
    if (status === "timeout") bucket.timeouts++;
    bucket.totalMs += durationMs;
    bucket.maxMs = Math.max(bucket.maxMs, durationMs);
    const key = `${call.kind} ${call.name}`;
    const h = p.handlers.get(key);
    if (!h && p.handlers.size >= MAX_HANDLERS) return;
    const entry = h ?? { kind: call.kind, name: call.name, calls: 0, errors: 0 } as HandlerCall;
    entry.last_at = new Date(now).toISOString();
    entry.last_status = status;
    entry.last_duration_ms = Math.round(durationMs * 100) / 100;
    entry.calls++;
    if (status !== "ok") entry.errors++;
    p.handlers.set(key, entry);
  }

  /** The plugin's last hour, minute by minute, and its handlers' last calls. */
  activity(id: string): Activity {
    const p = this.#plugins.get(id);
    const now = this.#now();
    const current = now - (now % MINUTE);
    const byT = new Map((p?.minutes ?? []).map((b) => [b.t, b]));
    const minutes: Activity["minutes"] = [];
    for (let i = WINDOW - 1; i >= 0; i--) {
      const t = current - i * MINUTE;
      const b = byT.get(t);
      minutes.push({
        t: new Date(t).toISOString(),
        calls: b?.calls ?? 0,
        errors: b?.errors ?? 0,
        timeouts: b?.timeouts ?? 0,
        avg_ms: b && b.calls > 0 ? Math.round((b.totalMs / b.calls) * 100) / 100 : null,
        max_ms: b && b.calls > 0 ? Math.round(b.maxMs * 100) / 100 : null,
      });
    }
    return { minutes, handlers: [...(p?.handlers.values() ?? [])] };
  }

  /** Forgets a plugin (uninstalled). */
  clear(id: string): void {
    this.#plugins.delete(id);
  }
}
