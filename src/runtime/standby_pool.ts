/**
 * Standby processes for on-demand plugins that are started often: after such a plugin stops
 * idle, one process is started and handshaken ahead of need, so its next cold call is a
 * hand-over instead of a sandbox and Deno start-up. All standbys together stay within a budget of
 * private memory (USS); the least recently started plugin's standby goes first.
 */
import type { LaunchPlan } from "./launch_plan.ts";
import type { PluginProcess } from "./plugin_process.ts";
import { processTreeUss } from "./process_rss.ts";

/** When a plugin earns a standby, and the memory all standbys may use. */
export interface StandbyPolicy {
  /** Private memory (USS) all standby processes may use together, MiB; 0 = no standbys. */
  memoryMb: number;
  /** Starts on demand within `windowMs` that earn a plugin a standby. */
  afterStarts: number;
  /** The window starts are counted in; a standby unused that long is stopped. */
  windowMs: number;
}

/** Standbys are off unless the operator's policy turns them on (the daemon's default does). */
export const STANDBY_OFF: StandbyPolicy = { memoryMb: 0, afterStarts: 3, windowMs: 600_000 };

/** A started, handshaken process and the plan it was started with. */
export interface Started {
  proc: PluginProcess;
  plan: LaunchPlan;
}

interface Ready extends Started {
  bytes: number;
}

/**
 * The standby processes of one supervisor. It never holds two processes of one plugin, and the
 * supervisor asks it for a standby only while that plugin has no running process.
 *
 * @example
 * ```ts
 * const pool = new StandbyPool({ memoryMb: 64, afterStarts: 3, windowMs: 600_000 });
 * pool.noteStart("hello");
 * if (pool.earned("hello")) void pool.fill("hello", () => spawn());
 * const handed = await pool.take("hello"); // the standby, or undefined
 * ```
 */
export class StandbyPool implements AsyncDisposable {
  #policy: StandbyPolicy;
  #log: (id: string, msg: string) => void;
  #starts = new Map<string, number[]>();
  #ready = new Map<string, Ready>();
  #filling = new Map<string, Promise<void>>();
  /** Bumped by discard: a fill that began before it must not keep its process. */
  #generation = new Map<string, number>();
  /** Plugins whose standby alone exceeds the budget: not tried again. */
  #tooBig = new Set<string>();
  /** Processes started here and not handed over, until they exited and were released. */
  #exits = new Map<PluginProcess, Promise<unknown>>();
  #sweep?: ReturnType<typeof setInterval>;

  constructor(policy: StandbyPolicy, log: (id: string, msg: string) => void = () => {}) {
    if (!(policy.memoryMb >= 0)) throw new RangeError("standby memoryMb must be >= 0");
    if (!(policy.afterStarts >= 1)) throw new RangeError("standby afterStarts must be >= 1");
    if (!(policy.windowMs > 0)) throw new RangeError("standby windowMs must be > 0");
    this.#policy = policy;
    this.#log = log;
  }

  /** Records a start on demand of `id` (a call found it stopped). */
  noteStart(id: string, now = Date.now()): void {
    if (this.#policy.memoryMb === 0) return;
    const recent = this.#recent(id, now);
    recent.push(now);
    this.#starts.set(id, recent.slice(-this.#policy.afterStarts));
  }

  #recent(id: string, now: number): number[] {
    return (this.#starts.get(id) ?? []).filter((t) => now - t < this.#policy.windowMs);
  }

  /** Whether `id` was started on demand often enough to be worth a standby. */
  earned(id: string, now = Date.now()): boolean {
    if (this.#policy.memoryMb === 0 || this.#tooBig.has(id)) return false;
    return this.#recent(id, now).length >= this.#policy.afterStarts;
  }

  /** The standby of `id` (pid and private memory), if one is ready. */
  info(id: string): { pid: number; privateBytes: number } | undefined {
    const r = this.#ready.get(id);
    return r ? { pid: r.proc.pid, privateBytes: r.bytes } : undefined;
  }

  /** Starts a standby for `id` with `spawn`, unless one is ready or starting. */
  fill(id: string, spawn: () => Promise<Started>): Promise<void> {
    if (this.#ready.has(id)) return Promise.resolve();
    const running = this.#filling.get(id);
    if (running) return running;
    const generation = this.#generation.get(id) ?? 0;
    const filling = this.#start(id, spawn, generation).finally(() => this.#filling.delete(id));
    this.#filling.set(id, filling);
    return filling;
  }

  async #start(id: string, spawn: () => Promise<Started>, generation: number): Promise<void> {
    const started = await spawn();
    const { proc } = started;
    this.#track(proc);
    if ((this.#generation.get(id) ?? 0) !== generation) return this.#stop(proc);
    const bytes = await processTreeUss(proc.pid);
    if ((this.#generation.get(id) ?? 0) !== generation || !proc.ready) return this.#stop(proc);
    const budget = this.#policy.memoryMb * 1024 * 1024;
    if (bytes > budget) {
      this.#tooBig.add(id);
      this.#log(id, `standby uses ${mib(bytes)} MiB, over the whole standby budget; not kept`);
      return this.#stop(proc);
    }
    this.#ready.set(id, { ...started, bytes });
    proc.exited.then(() => {
      if (this.#ready.get(id)?.proc !== proc) return;
      this.#ready.delete(id);
      this.#log(id, "standby process exited before it was used");
    });
    this.#evictOver(budget);
    this.#armSweep();
  }

  /** Stops the least recently started plugins' standbys until all fit the budget. */
  #evictOver(budget: number): void {
    let total = [...this.#ready.values()].reduce((n, r) => n + r.bytes, 0);
    const byAge = [...this.#ready.keys()].sort((a, b) => this.#lastStart(a) - this.#lastStart(b));
    for (const id of byAge) {
      if (total <= budget) break;
      total -= this.#ready.get(id)!.bytes;
      this.#log(id, "standby stopped: the standby memory budget went to busier plugins");
      void this.discard(id);
    }
  }

  #lastStart(id: string): number {
    return this.#starts.get(id)?.at(-1) ?? 0;
  }

  /** Every so often, standbys of plugins no longer started often are stopped. */
  #armSweep(): void {
    if (this.#sweep !== undefined) return;
    this.#sweep = setInterval(() => {
      for (const id of [...this.#ready.keys()]) if (!this.earned(id)) void this.discard(id);
      if (this.#ready.size === 0) {
        clearInterval(this.#sweep);
        this.#sweep = undefined;
      }
    }, Math.max(1000, this.#policy.windowMs / 4));
    Deno.unrefTimer(this.#sweep);
  }

  /**
   * Hands over the standby of `id`: waits for one still starting, then returns it (removed from
   * the pool) if it is ready, else undefined.
   */
  async take(id: string): Promise<Started | undefined> {
    await this.#filling.get(id)?.catch(() => {});
    const r = this.#ready.get(id);
    if (!r) return undefined;
    this.#ready.delete(id);
    this.#exits.delete(r.proc); // the caller's now
    return r.proc.ready ? { proc: r.proc, plan: r.plan } : undefined;
  }

  /** Stops the standby of `id`, also one still starting (its spec, grants or code changed). */
  async discard(id: string): Promise<void> {
    this.#generation.set(id, (this.#generation.get(id) ?? 0) + 1);
    const r = this.#ready.get(id);
    this.#ready.delete(id);
    await Promise.allSettled([this.#filling.get(id), r && this.#stop(r.proc)]);
  }

  /** Discards the standby of `id` and forgets its starts (unregistered). */
  async forget(id: string): Promise<void> {
    await this.discard(id);
    this.#starts.delete(id);
    this.#tooBig.delete(id);
    this.#generation.delete(id);
  }

  #track(proc: PluginProcess): void {
    const done = proc.exited.then(() => proc.released).catch(() => {});
    this.#exits.set(proc, done);
    done.finally(() => this.#exits.delete(proc));
  }

  async #stop(proc: PluginProcess): Promise<void> {
    await proc.stop({ gracefulMs: 2000 }).catch(() => {});
    await proc.released.catch(() => {});
  }

  /** Stops every standby and waits until their resources are released. */
  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    const ids = new Set([...this.#ready.keys(), ...this.#filling.keys()]);
    await Promise.allSettled([...ids].map((id) => this.discard(id)));
    await Promise.allSettled([...this.#exits.values()]);
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
