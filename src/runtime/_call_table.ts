/**
 * The calls in flight to one plugin process: their ids and deadlines, the queue of calls waiting
 * for a slot (`limits.concurrency`), cancellation with its grace, and what an exit does to them.
 * Moved out of `plugin_process.ts`, which routes the plugin's answers here.
 */
import { PluginExitedError, PluginTimeoutError, PluginUnavailableError } from "./errors.ts";
import { Deadlines } from "./deadlines.ts";
import { boundedWait } from "./_bounded_wait.ts";
import type { CallKind } from "./protocol.ts";
import type { InvokeOptions } from "./types.ts";
import { callName, type PendingCall as Pending } from "./plugin_process_types.ts";

/** What the table needs from its process. */
export interface CallTableHooks {
  pluginId: string;
  concurrency: number;
  queueLimit: number;
  /** The default per-call timeout. */
  timeoutMs: number;
  /** Sends one frame to the plugin. */
  send: (frame: Record<string, unknown>) => void;
  /** A system warning in the plugin's log. */
  warn: (msg: string) => void;
  /** Kills the process (a call's deadline passed). */
  kill: (reason: string) => void;
  /** Whether the process serves calls now, and why it ended when it does not. */
  ready: () => boolean;
  exitReason: () => string | undefined;
}

/** The calls of one process. */
export class CallTable {
  /** Calls sent and not answered, by id (host calls look up their tenant here). */
  readonly pending = new Map<number, Pending>();
  #h: CallTableHooks;
  #deadlines = new Deadlines<number>();
  #queue: Array<() => void> = [];
  #inFlight = 0;
  #idleSince = Date.now();
  #nextId = 1;

  constructor(hooks: CallTableHooks) {
    this.#h = hooks;
  }

  /** When the last call settled, or the start; null while a call is in flight. */
  get idleSince(): number | null {
    return this.#inFlight > 0 ? null : this.#idleSince;
  }

  /** Sends a call now, or once a slot is free. */
  call(kind: CallKind, name: string, payload: unknown, opts: InvokeOptions): Promise<unknown> {
    // The usual case, with no async frame around the call's own promise (pipelined dispatch).
    if (this.#inFlight < this.#h.concurrency) return this.#send(kind, name, payload, opts);
    return this.#afterQueue(kind, name, payload, opts);
  }

  async #afterQueue(
    kind: CallKind,
    name: string,
    payload: unknown,
    opts: InvokeOptions,
  ): Promise<unknown> {
    const id = this.#h.pluginId;
    if (this.#queue.length >= this.#h.queueLimit) {
      throw new PluginUnavailableError(
        id,
        `${this.#h.concurrency} calls in flight and ${this.#queue.length} queued; raise limits.concurrency or slow down`,
      );
    }
    await this.#slot(opts.waitMs);
    if (!this.#h.ready()) {
      // Never sent: the plugin did not see this call (callers may retry it freely).
      throw new PluginUnavailableError(
        id,
        `exited (${this.#h.exitReason() ?? "crashed"}) before the call was sent`,
      );
    }
    return await this.#send(kind, name, payload, opts);
  }

  /** Waits for a free slot, at most `waitMs` (then it leaves the queue and fails). */
  async #slot(waitMs: number | undefined): Promise<void> {
    let wake!: () => void;
    const slot = new Promise<void>((r) => this.#queue.push(wake = r));
    if (waitMs === undefined) return await slot;
    const id = this.#h.pluginId;
    const until = performance.now() + waitMs;
    const what = { pluginId: id, waitMs, for: "a free slot (limits.concurrency)" };
    try {
      await boundedWait(slot, until, what);
    } catch (error) {
      const i = this.#queue.indexOf(wake);
      if (i < 0) return; // woken in the same turn: the slot is this call's, it must use it
      this.#queue.splice(i, 1);
      throw error;
    }
  }

  #send(kind: CallKind, name: string, payload: unknown, opts: InvokeOptions): Promise<unknown> {
    const { timeoutMs = this.#h.timeoutMs, signal, cancelGraceMs = 2_000, onOutput, tenant } = opts;
    this.#inFlight++;
    const callId = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const p: Pending = { resolve, reject, kind, name, timeoutMs, onOutput, tenant: tenant?.id };
      this.pending.set(callId, p);
      this.#deadlines.set(callId, timeoutMs, this.#onDeadline);
      signal?.addEventListener("abort", () => this.#cancel(callId, signal.reason, cancelGraceMs), {
        once: true,
      });
      const frame = { t: "call", id: callId, kind, name, payload } as Record<string, unknown>;
      if (tenant) frame.tenant = tenant;
      this.#h.send(frame);
    });
  }

  /** Frees the slot of an answered (or abandoned) call and wakes the next queued one. */
  settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.#deadlines.delete(id);
    this.pending.delete(id);
    this.#inFlight--;
    if (this.#inFlight === 0) this.#idleSince = Date.now();
    this.#queue.shift()?.();
  }

  /** A call's deadline passed: its timeout, or its grace after a cancellation (one for all). */
  #onDeadline = (callId: number): void => {
    const p = this.pending.get(callId);
    if (!p) return;
    this.settle(callId);
    const name = callName(p);
    const late = `${name} ignored its cancellation for ${p.graceMs} ms; killed`;
    if (p.cancelled) this.#h.warn(late);
    else p.reject(new PluginTimeoutError(this.#h.pluginId, name, p.timeoutMs));
    this.#h.kill(p.cancelled ? "cancel_timeout" : "timeout");
  };

  /** Caller gave up: reject now, send `cancel`, hold the slot; no answer in `graceMs` = kill. */
  #cancel(callId: number, reason: unknown, graceMs: number): void {
    const p = this.pending.get(callId);
    if (!p || p.cancelled) return;
    p.cancelled = true;
    p.graceMs = graceMs;
    const reject = p.reject;
    p.resolve = p.reject = () => {};
    reject(reason instanceof Error ? reason : new DOMException(String(reason), "AbortError"));
    this.#h.send({ t: "cancel", id: callId });
    this.#deadlines.set(callId, graceMs, this.#onDeadline);
  }

  /** The process exited: every pending call fails with `detail`, queued ones are woken. */
  failAll(detail: string): void {
    for (const [callId, p] of [...this.pending]) {
      this.settle(callId);
      p.reject(new PluginExitedError(this.#h.pluginId, `${detail} during ${callName(p)}`));
    }
    for (const wake of this.#queue.splice(0)) wake();
    this.#deadlines.clear();
  }
}
