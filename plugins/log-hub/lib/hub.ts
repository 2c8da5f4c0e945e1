/**
 * The plugin's long-lived parts, made once per process from its context: the writer, the file
 * tailer and its loop, forwarding after commits, and waiters of the live tail.
 */
import type { PluginContext } from "@plugd/sdk";
import { forwardNow } from "./forward.ts";
import { compileRules, type Rules } from "./parse.ts";
import { FileTailer } from "./tail.ts";
import type { LogHubConfig } from "./types.ts";
import { LogWriter } from "./writer.ts";

const DEFAULTS: LogHubConfig = {
  files: [],
  poll_ms: 1000,
  rules: [],
  event_parser: "auto",
  http_parser: "auto",
  retention: { days: 7, max_mb: 1024, max_lines: 0 },
  anomaly: { enabled: true, factor: 3, min_errors: 10, cooldown_min: 10 },
  forward: { index: "plugd-logs", batch: 500 },
};

/** The settings with every default (plugd applies them too; this keeps unit tests honest). */
export function settings(ctx: PluginContext): LogHubConfig {
  const c = (ctx.config ?? {}) as Partial<LogHubConfig>;
  return {
    ...DEFAULTS,
    ...c,
    retention: { ...DEFAULTS.retention, ...c.retention },
    anomaly: { ...DEFAULTS.anomaly, ...c.anomaly },
    forward: { ...DEFAULTS.forward, ...c.forward },
  };
}

/** One per process. */
export class Hub {
  readonly ctx: PluginContext;
  readonly writer: LogWriter;
  readonly tailer: FileTailer;
  #rulesKey = "";
  #rules: Rules = new Map();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #forwarding: Promise<void> | null = null;
  #tailError: string | null = null;
  #forwardAgain = false;
  /** The last forwarding failure, shown by health() until a batch goes through. */
  forwardError: string | null = null;

  constructor(ctx: PluginContext) {
    this.ctx = ctx;
    this.writer = new LogWriter(ctx.db);
    this.tailer = new FileTailer(this.writer, ctx.log, async () => {
      const { rows } = await ctx.db.execute<{ path: string; ino: number; offset: number }>(
        "SELECT path, ino, offset FROM tail_offsets",
      );
      return new Map(rows.map((r) => [r.path, { ino: Number(r.ino), offset: Number(r.offset) }]));
    });
    this.writer.onCommit(() => {
      if (settings(ctx).forward.url) this.kickForward();
    });
  }

  /** The compiled regex rules of the current settings. */
  rules(): Rules {
    const cfg = settings(this.ctx);
    const key = JSON.stringify(cfg.rules);
    if (key !== this.#rulesKey) {
      this.#rules = compileRules(cfg.rules);
      this.#rulesKey = key;
    }
    return this.#rules;
  }

  /** Starts following the configured files every `poll_ms`. */
  startTailing(): void {
    if (this.#timer !== undefined) return;
    const loop = async () => {
      const cfg = settings(this.ctx);
      try {
        if (cfg.files.length > 0) await this.tailer.poll(cfg.files, this.rules());
        this.#tailError = null;
      } catch (e) {
        const msg = `reading the log files failed: ${(e as Error).message}`;
        if (msg !== this.#tailError) this.ctx.log.warn(msg); // once, not every poll
        this.#tailError = msg;
      }
      this.#timer = setTimeout(loop, cfg.poll_ms);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Forwards what is new soon (one run at a time; a kick during a run runs once more). */
  kickForward(): void {
    if (this.#forwarding) {
      this.#forwardAgain = true;
      return;
    }
    this.#forwarding = (async () => {
      do {
        this.#forwardAgain = false;
        try {
          await forwardNow(this.ctx.db, settings(this.ctx).forward, this.ctx.log);
          this.forwardError = null;
        } catch (e) {
          const msg = (e as Error).message;
          if (msg !== this.forwardError) this.ctx.log.warn(`forwarding failed: ${msg}`);
          this.forwardError = msg;
          break; // the cron job retries
        }
      } while (this.#forwardAgain);
    })().finally(() => this.#forwarding = null);
  }

  /** Waits until the next commit or `ms`, whichever is first; false when `signal` aborted. */
  waitForLines(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.writer.onCommit(done);
      signal?.addEventListener("abort", done);
    });
  }
}

let hub: Hub | undefined;

/** The process's hub. */
export function hubOf(ctx: PluginContext): Hub {
  hub ??= new Hub(ctx);
  return hub;
}
