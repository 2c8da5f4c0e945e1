/**
 * The claim loop of the task service: each type's lane, the processors looked up from the enabled
 * plugins, claims up to a processor's free slots, the attempts started and tracked until they end,
 * and the wake-up for tasks due later.
 */
import type { Store } from "../store/mod.ts";
import { attemptFinisher, type ClaimedTask, claimTasks } from "./task_store.ts";
import { nextDue } from "./task_reads.ts";
import { type AttemptContext, runTaskAttempt } from "./task_attempt.ts";
import type { TaskHost } from "./task_host.ts";
import { type Processor, taskProcessors } from "./processors.ts";
import { type RunningAttempt, TaskLane } from "./task_lane.ts";

/** What {@linkcode TaskPump} works with besides the store and the host. */
export interface PumpOptions {
  retryBaseMs: number;
  log: (message: string) => void;
  /** A task's attempt ended (its waiters look again). */
  ended: (id: string) => void;
}

/** See the module doc. */
export class TaskPump {
  /** Claims and attempts happen only while running (between the service's start and stop). */
  running = false;
  /** Crash recovery at start; nothing is claimed before it is done. */
  recovered: Promise<void> = Promise.resolve();
  #store: Store;
  #host: TaskHost;
  #log: (message: string) => void;
  #ended: (id: string) => void;
  #lanes = new Map<string, TaskLane>();
  #processors: Promise<Map<string, Processor>> | null = null;
  /** Counts {@linkcode forgetProcessors}: a lookup that began before one may be stale. */
  #generation = 0;
  #wakeTimer: ReturnType<typeof setTimeout> | null = null;
  #inFlight = new Set<Promise<void>>();
  #attempts: AttemptContext;

  constructor(store: Store, host: TaskHost, options: PumpOptions) {
    this.#store = store;
    this.#host = host;
    this.#log = options.log;
    this.#ended = options.ended;
    this.#attempts = {
      store,
      host,
      finisher: attemptFinisher(store),
      retryBaseMs: options.retryBaseMs,
      running: () => this.running,
    };
  }

  #lane(type: string): TaskLane {
    let lane = this.#lanes.get(type);
    if (!lane) this.#lanes.set(type, lane = new TaskLane());
    return lane;
  }

  /** The running attempt of task `id` of `type`, if this daemon runs it. */
  live(type: string, id: string): RunningAttempt | undefined {
    return this.#lanes.get(type)?.running.get(id);
  }

  /** Each task type's processor (looked up once until {@linkcode forgetProcessors}). */
  processors(): Promise<Map<string, Processor>> {
    return this.#processors ??= this.#host.enabled().then(taskProcessors).catch((error) => {
      this.#processors = null;
      throw error;
    });
  }

  /**
   * Plugins may have been enabled, disabled or upgraded: look the processors up again, and claim
   * again for the lanes that stopped for want of a processor (once per burst of calls, off the
   * caller's path). Every other lane wakes by itself: at an attempt's end, a submission or its
   * timer (a call that found its plugin stopped or restarting releases the task for 1 s).
   * `wake: false` only forgets (a record's change: its launch's states wake the lanes later, once
   * the plugin is registered). @default wake true
   */
  forgetProcessors(options: { wake?: boolean } = {}): void {
    this.#processors = null;
    this.#generation++;
    if (options.wake === false || this.#wakeTimer !== null || !this.running) return;
    if (![...this.#lanes.values()].some((lane) => lane.waiting)) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null;
      for (const [type, lane] of this.#lanes) if (lane.waiting) void this.pump(type);
    }, 0);
  }

  /** Stops claiming; waits up to `deadlineMs` for running attempts (the rest resume at start). */
  async stop(deadlineMs: number): Promise<void> {
    this.running = false;
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = null;
    for (const lane of this.#lanes.values()) lane.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, deadlineMs));
    await Promise.race([Promise.allSettled([...this.#inFlight]), late]);
    clearTimeout(timer);
  }

  /** Claims for `type` while its processor has free slots and due tasks wait. */
  async pump(type: string): Promise<void> {
    const lane = this.#lane(type);
    if (lane.pumping) return void (lane.again = true);
    if (!this.running) return;
    lane.pumping = true;
    try {
      await this.recovered;
      do {
        lane.again = false;
        const seen = this.#generation;
        const processor = (await this.processors()).get(type);
        if (!this.running) return;
        if (!processor) {
          // Queued until a processor is enabled; a lookup older than the last change looks again.
          if (seen !== this.#generation) lane.again = true;
          else lane.waiting = true;
          continue;
        }
        lane.waiting = false;
        const room = processor.settings.concurrency - lane.running.size;
        if (room <= 0) return;
        const claimed = await claimTasks(this.#store, type, room, processor.pluginId);
        for (const task of claimed) this.#start(lane, processor, task);
        if (claimed.length < room) await this.#schedule(type, lane);
      } while (lane.again);
    } catch (error) {
      this.#log(`tasks of type ${type}: ${(error as Error).message}`);
      this.#retryLater(type, lane, 1000);
    } finally {
      lane.pumping = false;
    }
  }

  /** Wakes the lane when its earliest delayed task is due (looked up only if there may be one). */
  async #schedule(type: string, lane: TaskLane): Promise<void> {
    const generation = lane.mayHaveDelayed();
    if (generation === null) return;
    const due = await nextDue(this.#store, type);
    if (due === null) lane.settle(generation);
    else this.#retryLater(type, lane, due - Date.now());
  }

  #retryLater(type: string, lane: TaskLane, ms: number): void {
    lane.wakeIn(ms, () => void this.pump(type));
  }

  #start(lane: TaskLane, processor: Processor, task: ClaimedTask): void {
    const live: RunningAttempt = { abort: new AbortController(), cancelled: false, progress: null };
    lane.running.set(task.id, live);
    const run = runTaskAttempt(this.#attempts, lane, processor, task, live).finally(() => {
      lane.running.delete(task.id);
      this.#inFlight.delete(run);
      this.#ended(task.id);
      void this.pump(task.type);
    });
    this.#inFlight.add(run);
  }
}
