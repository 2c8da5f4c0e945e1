/**
 * What a plugin process says, on its way to the host's log: its prints and SDK log lines within
 * its log rate (each truncated), the protocol violations it commits (counted always, logged within
 * the same rate), and its last lines before ready, which a failed start quotes.
 */
import { LogLimiter } from "./log_limiter.ts";
import type { LogLevel } from "./protocol.ts";
import type { LogLine } from "./types.ts";

type Fields = Record<string, unknown>;

/** One process's log. `beforeReady` says whether a line belongs to its start. */
export class ProcessLog {
  #limiter: LogLimiter;
  #onLog: (line: LogLine) => void;
  #beforeReady: () => boolean;
  #recent: string[] = [];
  #violations = 0;

  constructor(linesPerSecond: number, onLog: (line: LogLine) => void, beforeReady: () => boolean) {
    this.#limiter = new LogLimiter({ linesPerSecond });
    this.#onLog = onLog;
    this.#beforeReady = beforeReady;
  }

  /** Protocol violations so far. */
  get violations(): number {
    return this.#violations;
  }

  /** Lines dropped by the rate limit. */
  get dropped(): number {
    return this.#limiter.dropped;
  }

  /** The last lines printed before ready, for a failed start's message ("" when none). */
  tail(): string {
    return this.#recent.length ? `; last output: ${this.#recent.join(" | ")}` : "";
  }

  /** A line; the host's own (`system`) are never rate limited. */
  log(stream: LogLine["stream"], level: LogLevel, msg: string, fields?: Fields): void {
    if (stream !== "system" && this.#beforeReady()) {
      this.#recent.push(msg.slice(0, 300));
      if (this.#recent.length > 5) this.#recent.shift();
    }
    if (stream !== "system" && !this.#limiter.admit()) return;
    const line: LogLine = { ts: Date.now(), stream, level, msg: this.#limiter.truncate(msg) };
    if (fields) line.fields = fields;
    try {
      this.#onLog(line);
    } catch { /* a logger failure must not break the channel */ }
  }

  /** Counted always; logged within the plugin's log rate (a flood of garbage is one of them). */
  violation(msg: string): void {
    this.#violations++;
    if (this.#limiter.admit()) {
      this.log("system", "warn", `protocol violation: ${msg.slice(0, 300)}`);
    }
  }

  /** A line over the size limit: on the channel (socket, or stdout without one) a violation. */
  oversized(stream: "channel" | "stdout" | "stderr", prefix: string, total: number): void {
    if (stream === "channel") this.#violations++;
    const from = stream === "channel" ? "stdout" : stream;
    this.log(from, "warn", `[line of ${total} bytes discarded] ${prefix.slice(0, 512)}`);
  }
}
