/** Supervises many plugin processes: start on demand, health, backoff restarts, crash budget. */
import { PluginStartError, PluginUnavailableError } from "./errors.ts";
import type { PluginProcess } from "./plugin_process.ts";
import { spawnPlugin, watchStandbyCpu } from "./spawn_plugin.ts";
import { type ProcessRunner, processRunner } from "./process_runner.ts";
import { HealthWatch, ownCall } from "./health_watch.ts";
import { afterCrash } from "./restart_policy.ts";
import { STANDBY_OFF, StandbyPool, type Started } from "./standby_pool.ts";
import type {
  PluginCounters,
  PluginSpec,
  PluginStats,
  SupervisorOptions,
} from "./supervisor_types.ts";
import type { CallKind, InvokeOptions, LogLine, RuntimeState } from "./types.ts";
import {
  type Entry,
  entryCounters,
  entryStats,
  newEntry,
  recordDenied,
  recordError,
} from "./_supervisor_entry.ts";
import { type SupervisorSettings, supervisorSettings } from "./_supervisor_settings.ts";
import { type CallDeps, callEntry, startThenCall } from "./_supervisor_calls.ts";
import * as watch from "./_supervisor_watches.ts";

const PERMANENT = new Set(["protocol", "handlers", "integrity"]);

/**
 * Runs registered plugins. Dispose (or `await using`) to stop them all.
 *
 * @example
 * ```ts
 * await using sup = new Supervisor({ hostHandler });
 * sup.register(spec);
 * await sup.invoke(spec.id, "filter", "notification.format", { text: "hi" });
 * ```
 */
export class Supervisor {
  #o: SupervisorSettings;
  #entries = new Map<string, Entry>();
  #releasing = new Set<Promise<void>>();
  #standby: StandbyPool;
  /** The runner this supervisor made (and ends at dispose), not one it was given. */
  #ownRunner: ProcessRunner | null;
  #calls: CallDeps = {
    get: (id) => this.#get(id),
    start: (id) => this.start(id),
    noteStart: (id) => this.#standby.noteStart(id),
    armIdle: (e) =>
      watch.armIdle(e, this.#o.idleStopMs, () => void this.#idleStop(e).catch(() => {})),
  };

  constructor(options: SupervisorOptions) {
    this.#ownRunner = options.runner
      ? null
      : processRunner({ seats: options.seats ?? 0, seatDir: options.seatDir });
    this.#o = supervisorSettings(options, options.runner ?? this.#ownRunner!);
    const log = (id: string, msg: string) => this.#system(id, "info", msg);
    this.#standby = new StandbyPool(options.standby ?? STANDBY_OFF, log);
  }

  #system(id: string, level: LogLine["level"], msg: string): void {
    this.#o.onLog(id, { ts: Date.now(), stream: "system", level, msg });
  }

  /** Add a plugin (not started). Replaces nothing: unregister first. */
  register(spec: PluginSpec): void {
    if (this.#entries.has(spec.id)) throw new Error(`Plugin "${spec.id}" is already registered`);
    const health = new HealthWatch(this.#o.healthPolicy, (change) => {
      if (change.change === "restart") this.#entries.get(spec.id)?.proc?.kill("unhealthy");
      this.#o.onHealth(spec.id, change);
    });
    this.#entries.set(spec.id, newEntry(spec, health));
  }

  /** Stop and forget a plugin. */
  async unregister(id: string): Promise<void> {
    const e = this.#entries.get(id);
    // A call arriving while it stops must not start a process nobody would stop (a cron tick
    // during a config change's restart did, and the replacement then never became ready).
    if (e) e.gone = true;
    await this.stop(id);
    await this.#standby.forget(id);
    this.#entries.delete(id);
  }

  /** Registered plugin ids. */
  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** Current runtime state. */
  state(id: string): RuntimeState {
    return this.#get(id).state;
  }

  /** Counters of a registered plugin without reading /proc (cheap enough for lists). */
  counters(id: string): PluginCounters | undefined {
    const e = this.#entries.get(id);
    return e ? entryCounters(e) : undefined;
  }

  #get(id: string): Entry {
    const e = this.#entries.get(id);
    if (!e) throw new PluginUnavailableError(id, "not registered; install and enable it first");
    return e;
  }

  #setState(e: Entry, state: RuntimeState, reason?: string): void {
    if (e.state === state && e.reason === reason) return;
    e.state = state;
    e.reason = reason;
    this.#o.onStateChange(e.spec.id, state, reason);
  }

  /** Start a plugin (no-op when running). Throws `PluginStartError` when it cannot start. */
  async start(id: string): Promise<void> {
    const e = this.#get(id);
    if (e.proc?.ready) return;
    if (e.state === "failed") this.#reset(e);
    await (e.starting ??= this.#launch(e).finally(() => e.starting = undefined));
  }

  async #launch(e: Entry): Promise<PluginProcess> {
    const id = e.spec.id;
    if (e.gone) throw new PluginUnavailableError(id, "being restarted or removed; retry shortly");
    clearTimeout(e.timers.get("restart"));
    e.timers.delete("restart");
    this.#setState(e, "starting");
    try {
      // A standby started ahead of need (same spec: any change unregisters it) is handed over.
      const { proc, plan } = await this.#standby.take(id) ?? await this.#spawn(e);
      e.proc = proc;
      e.cpuQuota = plan.cpuQuota;
      e.stats.caps = plan.caps;
      proc.exited.then((x) => this.#onExit(e, proc, x.reason, x.code));
      if ((e.spec.runOnEnable ?? true) && proc.handlers?.lifecycle.includes("onEnable")) {
        await ownCall(proc, "onEnable", (call) => this.#o.onOwnCall(id, call));
      }
      this.#setState(e, "running");
      this.#armWatches(e, proc);
      return proc;
    } catch (err) {
      const reason = err instanceof PluginStartError ? err.reason : "start";
      recordError(e, err);
      if (PERMANENT.has(reason)) {
        e.proc?.kill("start_failed");
        this.#setState(e, "failed", `${reason}: ${(err as Error).message}`);
      } else if (!e.proc) this.#crashed(e, `${reason}: ${(err as Error).message}`);
      else e.proc.kill("start_failed"); // exit handler schedules the restart
      throw err;
    }
  }

  /** A process of `e` ready for calls: the running one, or a standby. */
  #spawn(e: Entry): Promise<Started> {
    const id = e.spec.id;
    return spawnPlugin(e.spec, {
      ...this.#o,
      onLog: (line) => this.#o.onLog(id, line),
      onDenied: (a) => {
        recordDenied(e, a, this.#o.deniedHistory);
        this.#o.onDenied(id, a);
      },
    });
  }

  /** A standby, under the same CPU rule as a running plugin (see `watchStandbyCpu`). */
  async #spawnStandby(e: Entry): Promise<Started> {
    const started = await this.#spawn(e);
    const log = (msg: string) => this.#system(e.spec.id, "error", msg);
    watchStandbyCpu(started, this.#o.cpuBudget, () => e.proc === started.proc, log);
    return started;
  }

  #onExit(e: Entry, proc: PluginProcess, reason: string, code: number): void {
    const r = proc.released.catch(() => {}).finally(() => this.#releasing.delete(r));
    this.#releasing.add(r);
    e.stats.protocolViolations += proc.protocolViolations;
    e.stats.droppedLogs += proc.droppedLogs;
    if (proc !== e.proc) return;
    e.proc = undefined;
    // Deleted, not only cleared: a call re-arms the idle timer only when none is in the map.
    for (const name of ["health", "idle", "cpu", "disk"]) {
      clearTimeout(e.timers.get(name));
      e.timers.delete(name);
    }
    if (reason === "stopped" || e.state === "stopping" || e.state === "failed") return;
    this.#crashed(e, `${reason} (exit code ${code})`);
  }

  #crashed(e: Entry, reason: string): void {
    const verdict = afterCrash(e.spec.id, e.crashes, Date.now(), reason, this.#o);
    e.crashes = verdict.crashes;
    if ("failed" in verdict) {
      watch.clearEntryTimers(e);
      return this.#setState(e, "failed", verdict.failed);
    }
    this.#setState(e, "backoff", reason);
    watch.setEntryTimer(e, "restart", verdict.restartInMs, () => {
      e.stats.restarts++;
      this.start(e.spec.id).catch(() => {}); // a failed start is recorded and rescheduled
    });
  }

  /** What watches a ready process: health, idle stop, CPU budget, disk (see the module). */
  #armWatches(e: Entry, proc: PluginProcess): void {
    watch.armHealth(e, this.#o, (x) => recordError(e, x));
    this.#calls.armIdle(e);
    watch.armCpuBudget(e, proc, this.#o, (msg) => this.#system(e.spec.id, "error", msg));
    watch.armDiskWatch(e, proc, this.#o, (reason) => {
      this.#system(e.spec.id, "error", reason);
      watch.clearEntryTimers(e);
      this.#setState(e, "failed", reason);
    });
  }

  /** Stops an idle plugin; one started often gets a standby process ready for its next call. */
  async #idleStop(e: Entry): Promise<void> {
    const id = e.spec.id;
    await this.stop(id);
    if (e.gone || e.state !== "stopped" || !this.#standby.earned(id)) return;
    await this.#standby.fill(id, () => this.#spawnStandby(e)).catch((err) =>
      this.#system(id, "warn", `standby process did not start: ${(err as Error).message}`)
    );
  }

  /**
   * Call a handler, starting the plugin first when it is enabled and not running.
   * Throws `PluginUnavailableError` when failed, disabled or restarting.
   */
  invoke(
    id: string,
    kind: CallKind,
    name: string,
    payload?: unknown,
    opts?: InvokeOptions,
  ): Promise<unknown> {
    const e = this.#entries.get(id);
    // Running: no async frame around the call (one promise less per call, pipelined dispatch).
    if (e?.proc?.ready && e.state === "running") {
      return callEntry(e, kind, name, payload, opts, this.#calls.armIdle);
    }
    return startThenCall(id, kind, name, payload, opts, this.#calls);
  }

  /** Stop a plugin gracefully (shutdown frame, then SIGKILL after gracefulMs). */
  async stop(id: string): Promise<void> {
    const e = this.#get(id);
    watch.clearEntryTimers(e);
    await this.#standby.discard(id);
    await e.starting?.catch(() => {});
    const proc = e.proc;
    if (!proc) {
      if (e.state !== "failed") this.#setState(e, "stopped");
      return;
    }
    this.#setState(e, "stopping");
    const stopping = e.stopping = (async () => {
      await proc.stop({ gracefulMs: this.#o.gracefulMs });
      await Promise.allSettled([...this.#releasing]);
      // Should a new process have started meanwhile, it keeps its state.
      if (e.proc === undefined || e.proc === proc) this.#setState(e, "stopped");
    })().finally(() => {
      if (e.stopping === stopping) e.stopping = undefined;
    });
    await stopping;
  }

  /** Stop then start; also clears `failed` and the crash history. */
  async restart(id: string): Promise<void> {
    await this.stop(id);
    this.#reset(this.#get(id));
    await this.start(id);
  }

  #reset(e: Entry): void {
    e.crashes = [];
    if (e.state === "failed") this.#setState(e, "stopped");
  }

  /** Statistics, with RSS read from /proc now. */
  async stats(id: string, options: { diskMaxAgeMs?: number } = {}): Promise<PluginStats> {
    return await entryStats(this.#get(id), this.#standby.info(id), options);
  }

  /** Stop every plugin. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled(this.ids().map((id) => this.stop(id)));
    await this.#standby[Symbol.asyncDispose]();
    await Promise.allSettled([...this.#releasing]);
    await this.#ownRunner?.[Symbol.asyncDispose]();
  }
}
