/**
 * System addons at run time: contract calls as asynchronous operations (one per addon at a time,
 * each with an execution record), the addon's status moving as seed 001 says, periodic status,
 * health and metrics checks, and recovery of calls a daemon stop cut short.
 */
import type { Config, StateLayout } from "../config/mod.ts";
import {
  ConflictError,
  NotFoundError,
  pluginPaths,
  type PluginRecord,
  type PluginRuntime,
  type PluginService,
  preparedOperations,
  type SystemAddonHooks,
} from "../plugins/mod.ts";
import { processRunner, type Runner } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import { initialAddonState, readAddonState } from "./addon_state.ts";
import { checkOperation, recordStart } from "./operation_start.ts";
import { ChecksAndOutcomes } from "./outcomes.ts";
import { type ExecutionFilter, getExecution, listExecutions } from "./executions.ts";
import { LiveExecution } from "./live_execution.ts";
import type { CallDeps } from "./run_call.ts";
import type { AddonOperation, ExecutionRecord } from "./types.ts";

/** Options of {@linkcode AddonService}. */
export interface AddonServiceOptions {
  store: Store;
  config: Config;
  layout: StateLayout;
  runtime: PluginRuntime;
  plugins: Pick<PluginService, "record" | "configs" | "logs" | "events">;
  log: (message: string) => void;
  /** @default processRunner() */
  runner?: Runner;
  /** Between two checks of an enabled addon, ms; 0 = only when enabled. @default 60000 */
  checkIntervalMs?: number;
  /** Bytes of each output stream kept per record. @default 262144 */
  maxOutputBytes?: number;
}

/** One addon's lane: at most one call runs; `op` is the operation holding it. */
interface Lane {
  op?: { name: AddonOperation; execution: string; live: LiveExecution };
  chain: Promise<void>;
  check?: AbortController;
}

/** System addons' operations, checks and records; the plugin service's {@linkcode SystemAddonHooks}. */
export class AddonService implements SystemAddonHooks {
  #o: AddonServiceOptions;
  #calls: ChecksAndOutcomes;
  #lanes = new Map<string, Lane>();
  #timers = new Map<string, ReturnType<typeof setInterval>>();
  #live = new Map<string, LiveExecution>();
  #recovered?: Promise<void>;
  #stop = new AbortController();

  constructor(options: AddonServiceOptions) {
    this.#o = options;
    const deps: CallDeps = {
      config: options.config,
      layout: options.layout,
      runtime: options.runtime,
      configs: options.plugins.configs,
      logs: options.plugins.logs,
      runner: options.runner ?? processRunner(),
      maxOutputBytes: options.maxOutputBytes ?? 256 * 1024,
    };
    this.#calls = new ChecksAndOutcomes({
      store: options.store,
      deps,
      events: options.plugins.events,
      log: options.log,
      offered: (p) => this.#offered(p),
    });
  }

  /**
   * Starts `op` on addon `id` for `actor` and returns at once with its running record (stored
   * before this returns) and its live view. 409 when another operation of the addon runs, the
   * addon is not enabled or does not implement `op`; 404 for an unknown operation.
   */
  async start(
    id: string,
    op: string,
    args: unknown,
    actor: string,
  ): Promise<{ record: ExecutionRecord; live: LiveExecution }> {
    const plugin = await this.#o.plugins.record(id);
    const { op: operation, argv } = await checkOperation(
      id,
      plugin,
      { op, args },
      () => this.#offered(plugin),
    );
    await this.recover();
    if (this.#stop.signal.aborted) throw new ConflictError("plugd is stopping; try again later");
    const lane = this.#lane(id);
    if (lane.op) {
      throw new ConflictError(
        `Addon "${id}" is already running ${lane.op.name} (execution ${lane.op.execution}); ` +
          `one operation per addon at a time: wait for it, or follow it with ` +
          `"plugd plugin executions ${id} ${lane.op.execution} --follow"`,
      );
    }
    const execution = crypto.randomUUID();
    const live = new LiveExecution(execution);
    lane.op = { name: operation, execution, live };
    this.#live.set(execution, live);
    try {
      const input = {
        id: execution,
        plugin,
        op: operation,
        args: argv,
        kind: "operation" as const,
        actor,
      };
      const record = await recordStart(this.#o.store, id, input);
      lane.check?.abort("gave way to an operation");
      const release = () => {
        if (lane.op?.execution === execution) lane.op = undefined;
      };
      const run = lane.chain.then(async () => {
        const statusAfter = await this.#calls.operate(input, record, {
          live,
          signal: this.#stop.signal,
        });
        // The record is final: the next operation may start now (a caller that waited for this
        // one must not get a 409), and the status check that follows gives way to it.
        release();
        if (statusAfter && !lane.check) await this.#followUp(lane, plugin);
      });
      lane.chain = run.then(() => {}, (e) => this.#o.log(`addon ${id}: ${(e as Error).message}`))
        .finally(() => {
          release();
          setTimeout(() => this.#live.delete(execution), 60_000);
        });
      return { record, live };
    } catch (error) {
      lane.op = undefined;
      this.#live.delete(execution);
      throw error;
    }
  }

  /** The live view of a call that runs (or ended in the last minute). */
  live(execution: string): LiveExecution | undefined {
    return this.#live.get(execution);
  }

  /** An addon's records, newest first (404 for an unknown plugin). */
  async executions(id: string, filter: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
    await this.#o.plugins.record(id);
    return await listExecutions(this.#o.store, id, filter);
  }

  /** One record with its output (404 when unknown). */
  async execution(id: string, execution: string): Promise<ExecutionRecord> {
    const found = await getExecution(this.#o.store, id, execution);
    if (!found) {
      throw new NotFoundError(
        `No execution ${execution} of "${id}"; see "plugd plugin executions ${id}"`,
      );
    }
    return found;
  }

  /** Marks calls a previous daemon left running as `interrupted` (once per start). */
  recover(): Promise<void> {
    return this.#recovered ??= this.#calls.recoverInterrupted();
  }

  async activate(plugin: PluginRecord): Promise<void> {
    await this.recover();
    this.#clearTimer(plugin.id);
    await this.#o.store.write(() => ({
      statements: [{
        sql: `INSERT INTO addon_state (plugin_id, updated_at) VALUES (?, ?)
              ON CONFLICT (plugin_id) DO NOTHING`,
        args: [plugin.id, new Date().toISOString()],
      }],
    }));
    const tick = () => void this.#checkNow(plugin.id);
    tick();
    const every = this.#o.checkIntervalMs ?? 60_000;
    if (every > 0) this.#timers.set(plugin.id, setInterval(tick, every));
  }

  async deactivate(id: string): Promise<void> {
    const lane = this.#lanes.get(id);
    if (lane?.op) {
      throw new ConflictError(
        `Addon "${id}" is running ${lane.op.name} (execution ${lane.op.execution}); ` +
          "wait for it to finish, then try again",
      );
    }
    this.#clearTimer(id);
    lane?.check?.abort("the addon was disabled");
    await lane?.chain;
  }

  async assertRemovable(plugin: PluginRecord, force: boolean): Promise<void> {
    await this.deactivate(plugin.id);
    const state = await readAddonState(this.#o.store, plugin.id);
    const still = ["installed", "degraded", "installing", "configuring", "uninstalling"];
    if (!force && state && still.includes(state.status)) {
      throw new ConflictError(
        `Addon "${plugin.id}" is still ${state.status} on this host; uninstall it first ` +
          `("plugd plugin op ${plugin.id} uninstall --wait"), or remove it anyway with --force ` +
          "(what it installed stays on the host)",
      );
    }
    this.#calls.forget(plugin.id);
  }

  async describe(plugin: PluginRecord): Promise<Record<string, unknown>> {
    const s = await readAddonState(this.#o.store, plugin.id) ?? initialAddonState(plugin.id);
    const op = this.#lanes.get(plugin.id)?.op;
    return {
      status: s.status,
      health: s.health,
      message: s.message,
      version: s.reportedVersion,
      details: s.details,
      checked_at: s.checkedAt,
      privileged: (plugin.manifest.permissions.privileged ?? []).length > 0,
      operations: await this.#offered(plugin),
      running: op
        ? { operation: op.name, execution: op.execution, progress: op.live.progress }
        : null,
    };
  }

  /** Stops checks and interrupts running calls (recorded as `interrupted`). */
  async stop(): Promise<void> {
    this.#stop.abort("the daemon stopped");
    for (const id of [...this.#timers.keys()]) this.#clearTimer(id);
    for (const lane of this.#lanes.values()) lane.check?.abort("the daemon stopped");
    await Promise.all([...this.#lanes.values()].map((l) => l.chain));
  }

  /** The status check after an operation, as a check: a new operation or a stop aborts it. */
  async #followUp(lane: Lane, plugin: PluginRecord): Promise<void> {
    const abort = new AbortController();
    lane.check = abort;
    try {
      await this.#calls.statusAfter(plugin, AbortSignal.any([abort.signal, this.#stop.signal]));
    } finally {
      if (lane.check === abort) lane.check = undefined;
    }
  }

  /** Runs the periodic checks unless a call is under way. */
  #checkNow(id: string): Promise<void> {
    const lane = this.#lane(id);
    if (lane.op || lane.check || this.#stop.signal.aborted) return Promise.resolve();
    const abort = new AbortController();
    lane.check = abort;
    const run = lane.chain.then(async () => {
      const plugin = await this.#o.plugins.record(id).catch(() => null);
      if (!plugin || plugin.state !== "enabled") return;
      await this.#calls.check(plugin, AbortSignal.any([abort.signal, this.#stop.signal]));
    });
    lane.chain = run.catch((e) => this.#o.log(`addon ${id} check: ${(e as Error).message}`))
      .finally(() => {
        if (lane.check === abort) lane.check = undefined;
      });
    return lane.chain;
  }

  #lane(id: string): Lane {
    let lane = this.#lanes.get(id);
    if (!lane) this.#lanes.set(id, lane = { chain: Promise.resolve() });
    return lane;
  }

  #clearTimer(id: string): void {
    clearInterval(this.#timers.get(id));
    this.#timers.delete(id);
  }

  #offered(plugin: PluginRecord): Promise<AddonOperation[]> {
    const { layout, config } = this.#o;
    return preparedOperations(pluginPaths(layout, config, plugin.id, plugin.version).preparedDir);
  }
}
