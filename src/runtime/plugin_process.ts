/** One running plugin: a sandboxed child process speaking the NDJSON protocol. */
import { PluginCallError, PluginExitedError, PluginStartError } from "./errors.ts";
import { readChildOutput } from "./_child_output.ts";
import { CallTable } from "./_call_table.ts";
import { handshake } from "./_handshake.ts";
import { connSink, FrameWriter } from "./frame_writer.ts";
import { ProcessLog } from "./_process_log.ts";
import { type CallKind, type ChildFrame, type HandlerSet, parseChildLine } from "./protocol.ts";
import { callTenant, serveHostCall } from "./_host_calls.ts";
import type { RunningChild } from "./runner.ts";
import type { InvokeOptions } from "./types.ts";
import {
  type ExitInfo,
  NO_OPTIONS,
  type PluginProcessOptions,
  PROCESS_DEFAULTS,
} from "./plugin_process_types.ts";
export type { ExitInfo, PluginProcessOptions } from "./plugin_process_types.ts";

/** The options only the start reads (handed to the handshake, not kept by the process). */
type StartOnly = "plan" | "runner" | "expectedHandlers" | "config" | "initGate";

/**
 * A sandboxed plugin child. Start with {@linkcode PluginProcess.start}; dispose to kill.
 *
 * @example
 * ```ts
 * await using p = await PluginProcess.start(options);
 * const out = await p.invoke("filter", "notification.format", { text: "hi" });
 * ```
 */
export class PluginProcess {
  /** What a running process uses; what only its start reads is not kept (see `#handshake`). */
  #o: Required<Omit<PluginProcessOptions, StartOnly>>;
  #child: RunningChild;
  #frames: FrameWriter;
  #out: ProcessLog;
  #calls: CallTable;
  #hostCalls = 0;
  #phase: "hello" | "init" | "ready" | "exited" = "hello";
  #handlers?: HandlerSet;
  #onHello?: (f: Extract<ChildFrame, { t: "hello" }>) => void;
  #onReady?: () => void;
  #exitReason?: string;
  #exited: Promise<ExitInfo>;
  readonly startedAt: number = Date.now();

  private constructor(o: PluginProcessOptions, child: RunningChild) {
    const { plan: _p, runner: _r, expectedHandlers: _h, config: _c, initGate: _g, ...kept } = o;
    this.#o = { ...PROCESS_DEFAULTS, ...kept };
    if (!(this.#o.concurrency >= 1)) throw new RangeError("concurrency must be >= 1");
    this.#out = new ProcessLog(
      this.#o.logLinesPerSecond,
      (line) => this.#o.onLog(line),
      () => this.#phase !== "ready",
    );
    this.#child = child;
    // With a protocol socket, frames to the child go there (the runner closed its stdin).
    this.#frames = new FrameWriter(
      child.channel ? connSink(child.channel) : child.stdin.getWriter(),
    );
    this.#calls = new CallTable({
      pluginId: this.#o.pluginId,
      concurrency: this.#o.concurrency,
      queueLimit: this.#o.queueLimit,
      timeoutMs: this.#o.timeoutMs,
      send: (frame) => this.#frames.send(frame),
      warn: (msg) => this.#out.log("system", "warn", msg),
      kill: (reason) => this.kill(reason),
      ready: () => this.#phase === "ready",
      exitReason: () => this.#exitReason,
    });
    const output = readChildOutput(child, {
      frame: (l, socket) => this.#onFrame(l, socket),
      print: (stream, l) => this.#out.log(stream, stream === "stdout" ? "info" : "warn", l),
      oversized: (stream, p, n) => this.#out.oversized(stream, p, n),
    });
    this.#exited = this.#child.status.then(async (s) => {
      await output;
      return this.#onExit(s);
    });
  }

  /** Start the plan through the runner, handshake (hello → init → ready), return when ready. */
  static async start(options: PluginProcessOptions): Promise<PluginProcess> {
    const child = await options.runner.start(options.plan).catch((error) => {
      throw new PluginStartError(options.pluginId, "spawn", (error as Error).message, {
        cause: error,
      });
    });
    const p = new PluginProcess(options, child);
    try {
      await p.#handshake(options);
      return p;
    } catch (e) {
      p.kill("start_failed");
      await p.#exited;
      throw e;
    }
  }

  /** Resolves when what the start set up (cgroups, files) is removed, after the exit. */
  get released(): Promise<void> {
    return this.#child.released;
  }
  /** The child's pid (the launcher's, which becomes bubblewrap's after it `exec`s). */
  get pid(): number {
    return this.#child.pid;
  }
  /** Resolves when the process has exited and its output is drained. */
  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }
  /** Handlers the module declared. */
  get handlers(): HandlerSet | undefined {
    return this.#handlers;
  }
  /** Frames that broke the protocol (invalid, forged ids, out of sequence, oversized). */
  get protocolViolations(): number {
    return this.#out.violations;
  }
  /** Log lines dropped by the rate limit. */
  get droppedLogs(): number {
    return this.#out.dropped;
  }
  /** When the last call settled, or the start; null while a call is in flight. */
  get idleSince(): number | null {
    return this.#calls.idleSince;
  }
  /** Whether the process is ready for calls. */
  get ready(): boolean {
    return this.#phase === "ready";
  }

  /**
   * The start's options (the launch plan, config, the init gate) are read here and not kept: a
   * running process never uses them again, and 200 running plugins kept ~2 KiB of plan strings
   * each.
   */
  #handshake(o: PluginProcessOptions): Promise<void> {
    return handshake({
      options: { ...o, readyTimeoutMs: this.#o.readyTimeoutMs, config: o.config ?? {} },
      child: this.#child,
      exited: this.#exited,
      tail: () => this.#out.tail(),
      send: (frame) => this.#frames.send(frame),
      hello: new Promise((r) => this.#onHello = r),
      ready: new Promise((r) => this.#onReady = r),
      onHandlers: (handlers) => this.#handlers = handlers,
    }).then(() => void (this.#phase = "ready"));
  }

  /** A line of the channel: on the socket each must be a frame; on stdout others are prints. */
  #onFrame(line: string, socket: boolean): void {
    const f = parseChildLine(line);
    if (!f) {
      if (socket ? line.length > 0 : /^\{\s*"t"\s*:/.test(line)) {
        this.#out.violation(`invalid frame ${line}`);
      } else if (line.length > 0) this.#out.log("stdout", "info", line);
      return;
    }
    switch (f.t) {
      case "log":
        return this.#out.log("sdk", f.level, f.msg, f.fields);
      case "hello":
        if (this.#phase !== "hello") return this.#out.violation("hello after handshake");
        // Its ready may follow in the same read, before the handshake resumes to check the hello
        // (init went out first): ready must then be in sequence already. A refused hello still
        // ends the start, ready or not.
        this.#phase = "init";
        return this.#onHello?.(f);
      case "ready":
        if (this.#phase !== "init") return this.#out.violation("ready out of sequence");
        return this.#onReady?.();
      case "host":
        if (this.#phase !== "ready") return this.#out.violation("host call before ready");
        void serveHostCall({
          pluginId: this.#o.pluginId,
          handler: this.#o.hostHandler,
          send: (fr) => this.#frames.send(fr),
          log: (level, msg, fields) => this.#out.log("sdk", level, msg, fields),
          onDenied: (a) => {
            this.#out.log("system", "warn", `permission denied: ${a.what}`);
            this.#o.onDenied(a);
          },
          tryEnter: () => this.#hostCalls < this.#o.maxHostCalls && ++this.#hostCalls > 0,
          leave: () => void this.#hostCalls--,
          tenantOf: (call) => callTenant(this.#calls.pending, call),
        }, f);
        return;
      case "out": {
        const p = this.#calls.pending.get(f.id);
        if (p?.cancelled) return;
        if (!p?.onOutput) {
          return this.#out.violation(`output for id ${f.id}, which streams nothing`);
        }
        try {
          p.onOutput(f.data);
        } catch { /* a consumer failure must not break the channel */ }
        return;
      }
      case "result": {
        const p = this.#calls.pending.get(f.id);
        if (!p) return this.#out.violation(`result for id ${f.id}, which is not a pending call`);
        this.#calls.settle(f.id);
        if (f.ok) p.resolve(f.value);
        else p.reject(new PluginCallError(this.#o.pluginId, f.error.name, f.error.message));
      }
    }
  }

  /**
   * Call a handler. Rejects with `PluginCallError` (plugin threw), `PluginTimeoutError` (the
   * process is then killed), `PluginExitedError`, `PluginUnavailableError` (queue full).
   */
  invoke(
    kind: CallKind,
    name: string,
    payload?: unknown,
    opts: InvokeOptions = NO_OPTIONS,
  ): Promise<unknown> {
    if (this.#phase !== "ready") {
      return Promise.reject(new PluginExitedError(this.#o.pluginId, "not running"));
    }
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    return this.#calls.call(kind, name, payload, opts);
  }

  /** Kill now: SIGTERM, then SIGKILL after the grace period. */
  kill(reason = "killed"): void {
    this.#exitReason ??= reason;
    this.#child.kill("SIGTERM");
    const t = setTimeout(() => this.#child.kill("SIGKILL"), this.#o.killGraceMs);
    this.#exited.finally(() => clearTimeout(t));
  }

  /** Ask the plugin to shut down, wait `gracefulMs`, then SIGKILL. */
  async stop(options: { gracefulMs?: number } = {}): Promise<ExitInfo> {
    const { gracefulMs = 2000 } = options;
    this.#exitReason ??= "stopped";
    this.#frames.send({ t: "shutdown" });
    this.#frames.close();
    const t = setTimeout(() => this.#child.kill("SIGKILL"), gracefulMs);
    return await this.#exited.finally(() => clearTimeout(t));
  }

  #onExit(s: { code: number; signal: Deno.Signal | null }): ExitInfo {
    this.#phase = "exited";
    const reason = this.#exitReason ?? "crashed";
    const detail = `${reason} (code ${s.code}${s.signal ? `, ${s.signal}` : ""})`;
    this.#calls.failAll(detail);
    this.#frames.close();
    this.#out.log("system", reason === "stopped" ? "info" : "error", `process exited: ${detail}`);
    return { code: s.code, signal: s.signal, reason };
  }

  /** Kill and wait for the exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#phase !== "exited") this.kill("stopped");
    await this.#exited;
  }
}
