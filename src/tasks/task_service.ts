/**
 * Task processing: tasks are persisted before they are acknowledged, claimed per type by the one
 * enabled plugin that processes it (up to its `concurrency`), retried with exponential backoff
 * and jitter until `retries` run out (`dead`), cancellable while queued or running, and
 * recovered after a crash (a running attempt is logged `interrupted` and tried again).
 */
import type { Store } from "../store/mod.ts";
import { newEventId } from "../hooks/mod.ts";
import { cancelQueued, recoverInterrupted, taskInputJson, taskInserter } from "./task_store.ts";
import { listTasks, queuedTypes, readTask, type TaskFilter } from "./task_reads.ts";
import type { TaskHost } from "./task_host.ts";
import { checkTaskTenant, type TaskTenants } from "./task_tenants.ts";
import type { FleetTaskQueue } from "./fleet_queue.ts";
import { FLEET_UNREACHABLE, mergePages, pageSize, type TaskPage } from "./task_page.ts";
import { FINAL_STATUSES, TaskError, type TaskView } from "./types.ts";
import { TaskPump } from "./task_pump.ts";

/** Options of {@linkcode TaskService}. */
export interface TaskServiceOptions {
  /** First retry delay, doubled per attempt (capped at 5 min), with ±50 % jitter. @default 1000 */
  retryBaseMs?: number;
  /** @default console.error */
  log?: (message: string) => void;
  /**
   * Tenants: once `enforced` (a tenant is registered), `require` checks a task's tenant exists
   * (throws `UnknownTenantError`, a 400) and `runsFor` whether its processor runs for it (409).
   * Until then, and without this option, a task's tenant is kept as given, not checked.
   * @default none
   */
  tenants?: TaskTenants;
}

/** What `POST /v1/tasks/{type}` takes. */
export interface TaskRequest {
  input?: unknown;
  priority?: number;
  idempotency_key?: string;
  tenant?: string | null;
}

const MAX_WAIT_S = 300;
/** How often a wait on a fleet task looks at its status again. */
const FLEET_POLL_MS = 200;

/** See the module doc. */
export class TaskService {
  #store: Store;
  #tenants: TaskTenants | null;
  #log: (message: string) => void;
  #waiters = new Map<string, Set<() => void>>();
  #inserter: ReturnType<typeof taskInserter>;
  #fleet: FleetTaskQueue | null = null;
  #pump: TaskPump;

  constructor(store: Store, host: TaskHost, options: TaskServiceOptions = {}) {
    const { retryBaseMs = 1000, log = (m) => console.error(`plugd: ${m}`) } = options;
    if (!Number.isInteger(retryBaseMs) || retryBaseMs < 1) {
      throw new RangeError(`retryBaseMs must be a positive integer; got ${retryBaseMs}`);
    }
    this.#store = store;
    this.#log = log;
    this.#tenants = options.tenants ?? null;
    this.#inserter = taskInserter(store);
    this.#pump = new TaskPump(store, host, { retryBaseMs, log, ended: (id) => this.#wake(id) });
    host.watchState?.(() => this.invalidate());
    // The processors come from the records: dropped at the commit of an enable, a disable or an
    // uninstall, so a task posted once it answered sees it (the runtime's states come earlier).
    host.watchRecords?.(() => this.#pump.forgetProcessors({ wake: false }));
  }

  /** Sends tasks of `fleet: true` types to the fleet's queue (this daemon is in a fleet). */
  attachFleet(queue: FleetTaskQueue): void {
    this.#fleet = queue;
  }

  /** Recovers tasks a crash left running, then starts processing every queued type. */
  start(): Promise<void> {
    // In the background, so the daemon is ready at once; nothing is claimed before it is done.
    const pump = this.#pump;
    pump.running = true;
    pump.recovered = (async () => {
      const processors = await pump.processors();
      const recovered = await recoverInterrupted(
        this.#store,
        (type) => processors.get(type)?.settings.retries ?? 0,
      );
      if (recovered > 0) this.#log(`${recovered} tasks were interrupted by a stop; retrying them`);
    })().catch((error) => this.#log(`task recovery failed: ${(error as Error).message}`));
    void pump.recovered.then(async () => {
      for (const type of await queuedTypes(this.#store)) void pump.pump(type);
    }).catch(() => {});
    return Promise.resolve();
  }

  /** Stops claiming; waits up to `deadlineMs` for running attempts (the rest resume at start). */
  stop(deadlineMs = 5000): Promise<void> {
    return this.#pump.stop(deadlineMs);
  }

  /**
   * A plugin's runtime state changed (it may have been enabled, disabled or upgraded): look the
   * processors up again and wake the types that were waiting for one (no query otherwise).
   */
  invalidate(): void {
    this.#pump.forgetProcessors();
  }

  /** `POST /v1/tasks/{type}`: persists the task, then answers its id. */
  async submit(
    type: string,
    request: TaskRequest,
    actor: string,
  ): Promise<{ id: string; duplicate: boolean }> {
    const processor = (await this.#pump.processors()).get(type);
    const fleet = this.#fleet;
    if (fleet && (processor ? processor.settings.fleet : fleet.knows(type))) {
      return await fleet.submit(type, request, actor);
    }
    if (!processor) {
      throw new TaskError(
        404,
        `No enabled plugin processes task type "${type}"; install and enable one that declares ` +
          `"- task: ${type}" in its hooks`,
      );
    }
    const tenant = request.tenant ?? null;
    if (tenant !== null) {
      await checkTaskTenant(this.#tenants, tenant, { pluginId: processor.pluginId, type });
    }
    const input = taskInputJson(request.input);
    const done = await this.#inserter.submit({
      id: newEventId(),
      type,
      pluginId: processor.pluginId,
      tenant,
      priority: request.priority ?? 0,
      idempotencyKey: request.idempotency_key ?? null,
      input,
      actor,
      createdAt: Date.now(),
    });
    if (!done.duplicate) void this.#pump.pump(type);
    return done;
  }

  /** `GET /v1/tasks/{id}`: the stored task with the live progress of a running attempt. */
  async get(id: string): Promise<TaskView> {
    const view = await readTask(this.#store, id) ?? await this.#fleet?.get(id);
    if (!view) throw new TaskError(404, `No task with id "${id}"`);
    const live = this.#pump.live(view.type, id);
    if (live?.progress && view.status === "running") view.progress = live.progress;
    return view;
  }

  /** The task once it is final or after `seconds` (at most 300), whichever comes first. */
  async wait(id: string, seconds: number): Promise<TaskView> {
    const deadline = Date.now() + Math.min(seconds, MAX_WAIT_S) * 1000;
    while (true) {
      const left = deadline - Date.now();
      const { promise, resolve } = Promise.withResolvers<void>();
      const set = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, set.add(resolve));
      let timer = setTimeout(resolve, Math.max(0, left));
      try {
        // Read after registering, so an end in between is not missed; each attempt's end wakes.
        const view = await this.get(id);
        if (FINAL_STATUSES.has(view.status) || left <= 0) return view;
        if (view.scope === "fleet") {
          // Another host may run it: look again shortly.
          clearTimeout(timer);
          timer = setTimeout(resolve, Math.min(FLEET_POLL_MS, Math.max(0, left)));
        }
        await promise;
      } finally {
        clearTimeout(timer);
        set.delete(resolve);
        if (set.size === 0) this.#waiters.delete(id);
      }
    }
  }

  /** `GET /v1/tasks`: this host's tasks and, in a fleet, the fleet's, merged newest first. */
  async list(filter: TaskFilter): Promise<TaskPage> {
    const fleet = filter.scope === "local" ? null : this.#fleet;
    const none: TaskPage = { tasks: [], next: null };
    const [local, remote] = await Promise.all([
      filter.scope === "fleet" ? none : listTasks(this.#store, filter),
      fleet ? fleet.list(filter) : { ...none, reachable: true },
    ]);
    const page = mergePages(local, remote, pageSize(filter.limit));
    return remote.reachable ? page : { ...page, warning: FLEET_UNREACHABLE };
  }

  /** `POST /v1/tasks/{id}/cancel`: a queued task is cancelled at once, a running one in the plugin. */
  async cancel(id: string): Promise<TaskView> {
    const view = await this.get(id);
    if (view.scope === "fleet" && this.#fleet) return await this.#fleet.cancel(id);
    if (FINAL_STATUSES.has(view.status)) {
      throw new TaskError(
        409,
        `Task "${id}" is already ${view.status}; only queued or running tasks can be cancelled`,
      );
    }
    if (await cancelQueued(this.#store, id)) {
      this.#wake(id);
      return await this.get(id);
    }
    const live = this.#pump.live(view.type, id);
    if (live) {
      live.cancelled = true;
      live.abort.abort(new DOMException(`task ${id} cancelled`, "AbortError"));
    }
    return await this.wait(id, 10);
  }

  #wake(id: string): void {
    for (const resolve of this.#waiters.get(id) ?? []) resolve();
  }
}
