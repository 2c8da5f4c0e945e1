/**
 * Tasks across hosts: tasks of `fleet: true` types are accepted by any host of the fleet (stored
 * in its outbox before the 202), published to one JetStream work-queue stream, and taken by the
 * hosts whose enabled plugin processes the type, one host per delivery (a durable pull consumer
 * per type, shared by those hosts). Their status, progress and result live in a KV bucket, so
 * `GET /v1/tasks/{id}` answers the same on every host. Retries and host failures use JetStream's
 * own redelivery: `nak` with the backoff delay, "in progress" while running, and the ack wait when
 * a host dies mid-task.
 */
import type { Consumer } from "@nats-io/jetstream";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { newEventId } from "../hooks/mod.ts";
import {
  type FleetTaskQueue,
  type Processor,
  TaskError,
  type TaskFilter,
  type TaskHost,
  taskInputJson,
  taskProcessors,
  type TaskRequest,
} from "../tasks/mod.ts";
import type { Store } from "../store/mod.ts";
import { FleetTaskOutbox } from "./fleet_task_outbox.ts";
import { answerCancels, cancelFleetTask } from "./fleet_task_cancel.ts";
import { ensureTaskStream, taskConsumer } from "./fleet_task_stream.ts";
import { type LiveTask, type Replies, replies, runFleetTask } from "./fleet_task_runner.ts";
import { listFleetTasks } from "./fleet_task_list.ts";
import {
  acceptedFleetTask,
  bucketTaskIds,
  type FleetTaskView,
  FleetTaskViews,
  openTaskBucket,
} from "./fleet_task_views.ts";
import type { FleetNames } from "./names.ts";

/** What fleet tasks need from the daemon and the fleet. */
export interface FleetTaskDeps {
  store: Store;
  names: FleetNames;
  hostId: string;
  replicas: number;
  host: TaskHost;
  /** Whether some host of the fleet declared that it takes `type` (its heartbeat). */
  known: (type: string) => boolean;
  /** The fleet task types this host takes changed (so its heartbeat says so). */
  onTypes: () => void;
  log: (message: string) => void;
  /** First retry delay (as for local tasks). @default 1000 */
  retryBaseMs?: number;
  /** How long a host may stay silent on a task before another takes it. @default 30000 */
  ackWaitMs?: number;
  count?: (what: string) => void;
}

/** How long a worker's pull waits for a task before it asks again. */
const PULL_EXPIRES_MS = 5000;

interface Lane {
  processor: Processor;
  active: boolean;
}

/** This host's side of the fleet's task queue. */
export class FleetTasks implements FleetTaskQueue {
  #d: FleetTaskDeps;
  #ackWaitMs: number;
  #outbox: FleetTaskOutbox;
  #nc: NatsConnection | null = null;
  #views: FleetTaskViews | null = null;
  #sub: Subscription | null = null;
  #consumers = new Map<string, Promise<Consumer>>();
  #lanes = new Map<string, Lane>();
  #live = new Map<string, { task: LiveTask; msg: Replies }>();
  #types: string[] = [];
  #stopping = false;
  #refreshing: Promise<void> = Promise.resolve();

  constructor(deps: FleetTaskDeps) {
    this.#d = deps;
    this.#ackWaitMs = deps.ackWaitMs ?? 30_000;
    this.#outbox = new FleetTaskOutbox({
      store: deps.store,
      names: deps.names,
      log: deps.log,
      count: deps.count,
    });
  }

  /** The fleet task types this host takes (enabled plugins with `fleet: true` processors). */
  types(): string[] {
    return this.#types;
  }

  knows(type: string): boolean {
    return this.#d.known(type);
  }

  /** Looks the local processors up again (a plugin was enabled, disabled, updated). */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(() => this.#refresh()).catch((error) =>
      this.#d.log(`fleet: cannot look up task processors: ${(error as Error).message}`)
    );
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const processors = [...taskProcessors(await this.#d.host.enabled())]
      .filter(([, p]) => p.settings.fleet);
    const wanted = new Map(processors);
    for (const [type, lane] of this.#lanes) {
      const p = wanted.get(type);
      if (!p || JSON.stringify(p) !== JSON.stringify(lane.processor)) {
        lane.active = false;
        this.#lanes.delete(type);
      }
    }
    for (const [type, processor] of wanted) {
      if (this.#lanes.has(type)) continue;
      const lane: Lane = { processor, active: true };
      this.#lanes.set(type, lane);
      for (let i = 0; i < processor.settings.concurrency; i++) void this.#work(type, lane);
    }
    const types = [...wanted.keys()].sort();
    if (types.join() !== this.#types.join()) {
      this.#types = types;
      this.#d.onTypes();
    }
  }

  /** (Re)attaches to a live connection: stream, bucket, cancel subject, outbox. */
  async attach(nc: NatsConnection, signal?: AbortSignal): Promise<void> {
    this.detach();
    await ensureTaskStream(nc, this.#d.names, this.#d.replicas);
    const views = new FleetTaskViews(
      await openTaskBucket(nc, this.#d.names.taskBucket, this.#d.replicas),
    );
    if (signal?.aborted) return; // NATS went away meanwhile
    this.#nc = nc;
    this.#views = views;
    this.#sub = answerCancels(
      nc,
      this.#d.names.taskControl(this.#d.hostId),
      (id) => this.#live.get(id)?.task,
    );
    this.#outbox.attach({ nc, views });
  }

  /** NATS went away: stop publishing and pulling (running attempts go on). */
  detach(): void {
    this.#nc = null;
    this.#views = null;
    this.#consumers.clear();
    this.#sub?.unsubscribe();
    this.#sub = null;
    this.#outbox.attach(null);
  }

  /** Stops taking tasks and gives the running ones back to the queue (another host goes on). */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const lane of this.#lanes.values()) lane.active = false;
    for (const { msg } of this.#live.values()) msg.nak();
    await this.#outbox.idle();
  }

  async submit(
    type: string,
    request: TaskRequest,
    _actor: string,
  ): Promise<{ id: string; duplicate: boolean }> {
    const key = request.idempotency_key ?? null;
    if (key !== null) {
      const waiting = await this.#outbox.findKey(type, key);
      if (waiting) return { id: waiting, duplicate: true };
    }
    taskInputJson(request.input); // the size check; the view keeps the value itself
    const now = Date.now(); // one time for the id and created_at, so listings find it by its id
    const view = acceptedFleetTask(type, request, {
      id: newEventId(now),
      acceptedBy: this.#d.hostId,
      now,
    });
    await this.#outbox.add(view);
    const views = this.#views;
    if (key !== null && views) {
      // Bound across the fleet now if NATS is here; else when the outbox publishes it.
      const holder = await views.bindKey(type, key, view.id).catch(() => view.id);
      if (holder !== view.id) {
        await this.#outbox.remove(view.id);
        return { id: holder, duplicate: true };
      }
    }
    return { id: view.id, duplicate: false };
  }

  async get(id: string): Promise<FleetTaskView | null> {
    const waiting = await this.#outbox.find(id);
    if (waiting) return waiting;
    const views = this.#requireViews(id);
    return (await views.read(id))?.view ?? null;
  }

  /** A page of the fleet's tasks, as `GET /v1/tasks` lists them (see fleet_task_list.ts). */
  list(filter: TaskFilter): ReturnType<typeof listFleetTasks> {
    const nc = this.#nc;
    const views = this.#views;
    return listFleetTasks({
      // NATS away (or gone mid-request): the listing says the fleet's part is missing.
      ids: () =>
        nc && views
          ? bucketTaskIds(nc, this.#d.names.taskBucket).catch(() => null)
          : Promise.resolve(null),
      read: async (id) => (await views?.read(id))?.view ?? null,
      waiting: () => this.#outbox.list(),
    }, filter);
  }

  cancel(id: string): Promise<FleetTaskView> {
    return cancelFleetTask({
      outbox: this.#outbox,
      names: this.#d.names,
      views: (taskId) => this.#requireViews(taskId),
      nc: () => this.#nc,
    }, id);
  }

  #requireViews(id: string): FleetTaskViews {
    if (this.#views) return this.#views;
    throw new TaskError(
      503,
      `Task "${id}" is not on this host, and the fleet's tasks cannot be read while NATS is ` +
        "unreachable; try again when GET /v1/health says fleet: connected",
    );
  }

  #consumer(nc: NatsConnection, type: string): Promise<Consumer> {
    let c = this.#consumers.get(type);
    if (!c) {
      c = taskConsumer(nc, this.#d.names, type, this.#ackWaitMs);
      c.catch(() => this.#consumers.delete(type));
      this.#consumers.set(type, c);
    }
    return c;
  }

  /** One worker of a type: pulls a task when it has room, runs it, again. */
  async #work(type: string, lane: Lane): Promise<void> {
    let complained = false;
    while (lane.active && !this.#stopping) {
      const nc = this.#nc;
      if (!nc) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        const m = await (await this.#consumer(nc, type)).next({ expires: PULL_EXPIRES_MS });
        complained = false;
        if (!m) continue;
        if (!lane.active || this.#stopping) {
          replies(m).nak();
          continue;
        }
        await runFleetTask(
          {
            hostId: this.#d.hostId,
            views: () => this.#views,
            host: this.#d.host,
            retryBaseMs: this.#d.retryBaseMs ?? 1000,
            ackWaitMs: this.#ackWaitMs,
            live: {
              add: (id, task, msg) => this.#live.set(id, { task, msg }),
              remove: (id) => this.#live.delete(id),
              has: (id) => this.#live.has(id),
            },
            stopping: () => this.#stopping,
            log: this.#d.log,
            count: this.#d.count,
          },
          m,
          lane.processor,
        );
      } catch (error) {
        if (!complained && this.#nc) {
          this.#d.log(`fleet: taking tasks of type ${type}: ${(error as Error).message}`);
        }
        complained = true;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
