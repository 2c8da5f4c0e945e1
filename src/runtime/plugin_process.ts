/** One running plugin: a sandboxed child process speaking the NDJSON protocol. */
import { helloProblem } from "./hello_check.ts";
import {
  PluginCallError,
  PluginExitedError,
  PluginStartError,
  PluginTimeoutError,
  PluginUnavailableError,
} from "./errors.ts";
import { readChildOutput } from "./_child_output.ts";
import { startGuards } from "./_start_guards.ts";
import { connSink, FrameWriter } from "./frame_writer.ts";
import { Deadlines } from "./deadlines.ts";
import { ProcessLog } from "./_process_log.ts";
import { type CallKind, type ChildFrame, type HandlerSet, parseChildLine } from "./protocol.ts";
import { callTenant, serveHostCall } from "./_host_calls.ts";
import type { RunningChild } from "./runner.ts";
import type { InvokeOptions } from "./types.ts";
import {
  callName,
  type ExitInfo,
  NO_OPTIONS,
  type PendingCall as Pending,
  type PluginProcessOptions,
  PROCESS_DEFAULTS,
} from "./plugin_process_types.ts";
export type { ExitInfo, PluginProcessOptions } from "./plugin_process_types.ts";

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
  #o: Required<Omit<PluginProcessOptions, "config" | "initGate">> & {
    config: Record<string, unknown>;
    initGate?: () => Promise<void>;
  };
  #child: RunningChild;
  #frames: FrameWriter;
  #out: ProcessLog;
  #pending = new Map<number, Pending>();
  #deadlines = new Deadlines<number>();
  #queue: Array<() => void> = [];
  #inFlight = 0;
  #idleSince = Date.now();
  #hostCalls = 0;
  #nextId = 1;
  #phase: "hello" | "init" | "ready" | "exited" = "hello";
  #handlers?: HandlerSet;
  #onHello?: (f: Extract<ChildFrame, { t: "hello" }>) => void;
  #onReady?: () => void;
  #exitReason?: string;
  #exited: Promise<ExitInfo>;
  readonly startedAt: number = Date.now();

  private constructor(o: PluginProcessOptions, child: RunningChild) {
    this.#o = { ...PROCESS_DEFAULTS, ...o, config: o.config ?? {} };
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
      await p.#handshake();
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
    return this.#inFlight > 0 ? null : this.#idleSince;
  }
  /** Whether the process is ready for calls. */
  get ready(): boolean {
    return this.#phase === "ready";
  }

  async #handshake(): Promise<void> {
    const id = this.#o.pluginId;
    const guards = startGuards({
      pluginId: id,
      readyTimeoutMs: this.#o.readyTimeoutMs,
      exited: this.#exited,
      channel: this.#child.channel,
      tail: () => this.#out.tail(),
    });
    const hello = new Promise<Extract<ChildFrame, { t: "hello" }>>((r) => this.#onHello = r);
    const ready = new Promise<void>((r) => this.#onReady = r);
    try {
      // init goes out once the gate (the integrity check, run while the process started) passed,
      // without waiting for hello: the shim loads the entry only once init came, and a start does
      // not wait for the host to wake between hello and init. A plugin whose hello is refused
      // below never gets to serve a call.
      if (this.#o.initGate) await guards.race(this.#o.initGate());
      this.#frames.send({
        t: "init",
        plugin: { id, version: this.#o.version },
        config: this.#o.config,
        paths: this.#o.plan.paths,
        quota: { data_mb: this.#o.plan.quota.dataMb, tmp_mb: this.#o.plan.quota.tmpMb },
      });
      const h = await guards.race(hello);
      const problem = helloProblem(h, this.#o.expectedHandlers);
      if (problem) throw new PluginStartError(id, problem.reason, problem.message);
      this.#handlers = h.handlers;
      await guards.race(ready);
      // The CPU quota waits for ready: Deno's start-up is multi-threaded and a quota taxes it.
      await this.#child.ready().catch((e) => {
        throw new PluginStartError(id, "caps", `cannot apply its CPU quota: ${e}`, { cause: e });
      });
      this.#phase = "ready";
    } finally {
      guards.dispose();
    }
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
          tenantOf: (call) => callTenant(this.#pending, call),
        }, f);
        return;
      case "out": {
        const p = this.#pending.get(f.id);
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
        const p = this.#pending.get(f.id);
        if (!p) return this.#out.violation(`result for id ${f.id}, which is not a pending call`);
        this.#settle(f.id);
        if (f.ok) p.resolve(f.value);
        else p.reject(new PluginCallError(this.#o.pluginId, f.error.name, f.error.message));
      }
    }
  }

  #settle(id: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#deadlines.delete(id);
    this.#pending.delete(id);
    this.#inFlight--;
    if (this.#inFlight === 0) this.#idleSince = Date.now();
    this.#queue.shift()?.();
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
    // The usual case, with no async frame around the call's own promise (pipelined dispatch).
    if (this.#inFlight < this.#o.concurrency) return this.#send(kind, name, payload, opts);
    return this.#afterQueue(kind, name, payload, opts);
  }

  async #afterQueue(
    kind: CallKind,
    name: string,
    payload: unknown,
    opts: InvokeOptions,
  ): Promise<unknown> {
    const id = this.#o.pluginId;
    if (this.#queue.length >= this.#o.queueLimit) {
      throw new PluginUnavailableError(
        id,
        `${this.#o.concurrency} calls in flight and ${this.#queue.length} queued; raise limits.concurrency or slow down`,
      );
    }
    await new Promise<void>((r) => this.#queue.push(r));
    if (this.#phase !== "ready") {
      // Never sent: the plugin did not see this call (callers may retry it freely).
      throw new PluginUnavailableError(
        id,
        `exited (${this.#exitReason ?? "crashed"}) before the call was sent`,
      );
    }
    return await this.#send(kind, name, payload, opts);
  }

  #send(kind: CallKind, name: string, payload: unknown, opts: InvokeOptions): Promise<unknown> {
    const { timeoutMs = this.#o.timeoutMs, signal, cancelGraceMs = 2_000, onOutput, tenant } = opts;
    this.#inFlight++;
    const callId = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const p: Pending = { resolve, reject, kind, name, timeoutMs, onOutput, tenant: tenant?.id };
      this.#pending.set(callId, p);
      this.#deadlines.set(callId, timeoutMs, this.#onDeadline);
      signal?.addEventListener("abort", () => this.#cancel(callId, signal.reason, cancelGraceMs), {
        once: true,
      });
      const frame = { t: "call", id: callId, kind, name, payload } as Record<string, unknown>;
      if (tenant) frame.tenant = tenant;
      this.#frames.send(frame);
    });
  }

  /** A call's deadline passed: its timeout, or its grace after a cancellation (one for all). */
  #onDeadline = (callId: number): void => {
    const p = this.#pending.get(callId);
    if (!p) return;
    this.#settle(callId);
    const name = callName(p);
    const late = `${name} ignored its cancellation for ${p.graceMs} ms; killed`;
    if (p.cancelled) this.#out.log("system", "warn", late);
    else p.reject(new PluginTimeoutError(this.#o.pluginId, name, p.timeoutMs));
    this.kill(p.cancelled ? "cancel_timeout" : "timeout");
  };

  /** Caller gave up: reject now, send `cancel`, hold the slot; no answer in `graceMs` = kill. */
  #cancel(callId: number, reason: unknown, graceMs: number): void {
    const p = this.#pending.get(callId);
    if (!p || p.cancelled) return;
    p.cancelled = true;
    p.graceMs = graceMs;
    const reject = p.reject;
    p.resolve = p.reject = () => {};
    reject(reason instanceof Error ? reason : new DOMException(String(reason), "AbortError"));
    this.#frames.send({ t: "cancel", id: callId });
    this.#deadlines.set(callId, graceMs, this.#onDeadline);
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
    for (const [callId, p] of [...this.#pending]) {
      this.#settle(callId);
      p.reject(new PluginExitedError(this.#o.pluginId, `${detail} during ${callName(p)}`));
    }
    for (const wake of this.#queue.splice(0)) wake();
    this.#deadlines.clear();
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
