/** The hook bus (SPEC §7): durable events, actions, filters, gates, cron. */
import type { PluginEvents } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import { ActionDispatcher } from "./action_dispatcher.ts";
import type { RetryPolicy } from "./dispatch_policy.ts";
import { type CronJobStatus, CronScheduler } from "./cron_scheduler.ts";
import { pruneEvents, readEvent } from "./event_store.ts";
import { type EventFilter, type EventPage, listEvents } from "./event_query.ts";
import { type Redelivery, resetDeadDeliveries } from "./redeliver.ts";
import { type FilterOutcome, runFilterChain } from "./filter_chain.ts";
import { GatePolicies, type GatePolicy } from "./gate_policies.ts";
import { type GateOutcome, runGate } from "./gate_vote.ts";
import { IntakeQueue } from "./intake_queue.ts";
import { ResultWriter } from "./result_writer.ts";
import { SubscriptionIndex } from "./subscriptions.ts";
import { sortedResults, toResult } from "./trackers.ts";
import { daemonEnvelope } from "./cloud_event.ts";
import type { EmitResult, HookBusOptions } from "./hook_bus_options.ts";
import type { CloudEvent, EventView, HookHost, Subscriber } from "./types.ts";
import { contextWith, endSpan, startSpan } from "../tracing/mod.ts";

/** How long `?wait=true` waits for deliveries before answering with what is known. */
const MAX_WAIT_MS = 60_000;

/**
 * Accepts events (API, plugins, the daemon itself), persists them with their delivery rows in
 * group-committed batches, and delivers them at least once, also across a crash.
 */
export class HookBus implements PluginEvents {
  readonly subscriptions: SubscriptionIndex;
  readonly policies: GatePolicies;
  #store: Store;
  #host: HookHost;
  #log: (message: string) => void;
  #writer: ResultWriter;
  #dispatcher: ActionDispatcher;
  #intake: IntakeQueue;
  #cron: CronScheduler;
  #retentionMs: number;
  #started = false;
  #tenants: NonNullable<HookBusOptions["tenants"]>;

  constructor(options: HookBusOptions) {
    const { store, host, log = (m) => console.error(`plugd: ${m}`) } = options;
    const retry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, ...options.retry };
    if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
      throw new RangeError(
        `retry.maxAttempts must be a positive integer; got ${retry.maxAttempts}`,
      );
    }
    this.#store = store;
    this.#host = host;
    this.#log = log;
    this.#retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
    this.#tenants = options.tenants ?? {
      enforced: () => Promise.resolve(false),
      require: (id) => Promise.reject(new TypeError(`no tenants here: "${id}" refused`)),
    };
    this.subscriptions = new SubscriptionIndex(host);
    this.policies = new GatePolicies(store);
    this.#writer = new ResultWriter(store, log);
    this.#dispatcher = new ActionDispatcher(
      { store, host, writer: this.#writer, log },
      retry,
      options.dispatch,
    );
    host.watchState?.((id, state) => this.#dispatcher.pluginState(id, state));
    this.#cron = new CronScheduler(host, log);
    this.#intake = new IntakeQueue(store, {
      outboxStatements: options.outboxStatements,
      onCommitted: (accepted) => this.#dispatcher.accept(accepted),
    });
  }

  /**
   * Loads policies, then delivers every pending delivery (paged from the database, however
   * many) and sweeps for stragglers periodically; schedules cron. Call after plugins start.
   */
  async start(): Promise<void> {
    await this.policies.load();
    const pruned = await pruneEvents(this.#store, Date.now() - this.#retentionMs);
    if (pruned > 0) this.#log(`pruned ${pruned} completed events older than the retention`);
    const pending = await this.#dispatcher.start();
    if (pending > 0) this.#log(`redelivering ${pending} pending event deliveries`);
    this.#started = true;
    await this.#reconcileCron();
  }

  /** What delivery holds in memory, and which plugins are parked. */
  deliveryStats(): { bufferedBytes: number; inFlight: number; parked: string[] } {
    return this.#dispatcher.stats();
  }

  /** Stops cron and dispatch, then writes what is known. Pending rows are redelivered later. */
  async stop(): Promise<void> {
    this.#cron.stop();
    await this.#intake.drain();
    await this.#dispatcher.stop();
    await this.#writer.drain();
    this.#dispatcher.trackers.close(); // callers still waiting answer with what is stored
  }

  /**
   * Persists and dispatches a validated event; with `wait`, answers with the results. An id
   * that was accepted before is not stored or delivered again, and its results are not
   * returned here (they may belong to another emitter; `GET /v1/events/{id}` needs `reader`).
   * `idGenerated`: the daemon made the event's id (the emitter sent none), so it is not looked
   * up among the stored ones.
   */
  async emit(
    event: CloudEvent,
    options: { wait?: boolean; idGenerated?: boolean } = {},
  ): Promise<EmitResult> {
    const tenant = await this.#tenant(event.tenant, "the event's tenant");
    const subscribers = await this.subscriptions.actions(event.type, tenant);
    const trackers = this.#dispatcher.trackers;
    const completion = options.wait
      ? trackers.track(event.id, subscribers.length, MAX_WAIT_MS)
      : null;
    const span = startSpan("plugd.event.intake", {
      "cloudevents.event_id": event.id,
      "cloudevents.event_type": event.type,
      "cloudevents.event_source": event.source,
      "plugd.subscribers": subscribers.length,
    });
    let duplicate: boolean;
    try {
      ({ duplicate } = await this.#intake.submit(
        event,
        subscribers,
        contextWith(span),
        options.idGenerated === true,
      ));
      endSpan(span, undefined, { "plugd.duplicate": duplicate });
    } catch (error) {
      endSpan(span, error);
      if (completion) trackers.forget(event.id);
      throw error;
    }
    if (!completion || duplicate) {
      if (completion) trackers.forget(event.id);
      return { id: event.id, duplicate };
    }
    const results = await completion; // null when MAX_WAIT_MS ran out first
    if (results) {
      const status = results.some((r) => r.status === "pending") ? "pending" : "completed";
      return { id: event.id, duplicate, status, results: sortedResults(results) };
    }
    trackers.forget(event.id);
    const view = await this.getEvent(event.id);
    return { id: event.id, duplicate, status: view?.status, results: view?.results ?? [] };
  }

  /**
   * A batch of validated events (CloudEvents batched mode) accepted as one: every tenant is
   * checked and every event gets its subscribers first, then all are committed in one atomic
   * batch (all stored or none) before this resolves. Ids and duplicate flags in order.
   */
  async emitBatch(
    events: { event: CloudEvent; idGenerated: boolean }[],
  ): Promise<{ id: string; duplicate: boolean }[]> {
    const subscribers: Subscriber[][] = [];
    for (const [i, { event }] of events.entries()) {
      const tenant = await this.#tenant(event.tenant, `the tenant of event ${i} of the batch`);
      subscribers.push(await this.subscriptions.actions(event.type, tenant));
    }
    const span = startSpan("plugd.event.intake", { "plugd.batch_size": events.length });
    const trace = contextWith(span);
    try {
      const outcomes = await this.#intake.submitMany(events.map(({ event, idGenerated }, i) => ({
        event,
        subscribers: subscribers[i]!,
        trace,
        idGenerated,
      })));
      endSpan(span);
      return outcomes.map((o, i) => ({ id: events[i]!.event.id, duplicate: o.duplicate }));
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  /**
   * `ctx.emit` of a plugin (the emit permission was checked by the caller); `tenant` is the
   * tenant of the call it emitted from (the runtime's word, never the plugin's).
   */
  async emitFromPlugin(
    pluginId: string,
    type: string,
    data: unknown,
    tenant: string | null = null,
  ): Promise<{ id: string }> {
    const event = daemonEnvelope(`/plugins/${pluginId}`, type, data);
    const { id } = await this.emit(tenant === null ? event : { ...event, tenant }, {
      idGenerated: true,
    });
    return { id };
  }

  /** The daemon's own `plugin.*` events; refreshes subscriptions and cron first. */
  async emitSystemEvent(type: string, data: Record<string, unknown>): Promise<void> {
    // Lifecycle events also go to the daemon's log (journald), one line each, like dockerd's;
    // denials are counted and in the plugin's own log instead (a probing plugin must not flood).
    if (type !== "plugin.permission_denied") {
      this.#log(`${type} ${JSON.stringify(data).slice(0, 300)}`);
    }
    this.subscriptions.invalidate();
    if (this.#started) await this.#reconcileCron().catch(() => {});
    try {
      await this.emit(daemonEnvelope("/plugd", type, data), { idGenerated: true });
    } catch (error) {
      this.#log(`could not record system event ${type}: ${(error as Error).message}`);
    }
  }

  /** `GET /v1/events/{id}`: stored results overlaid with outcomes not yet written. */
  async getEvent(id: string): Promise<EventView | null> {
    const view = await readEvent(this.#store, id);
    if (!view) return null;
    for (const row of this.#writer.unwritten(id)) {
      const result = toResult(row);
      const i = view.results.findIndex((r) => r.plugin === result.plugin && r.hook === result.hook);
      if (i >= 0) view.results[i] = result;
    }
    for (const r of view.results) {
      const parked = r.status === "pending" ? this.#dispatcher.parkedReason(r.plugin) : null;
      if (parked) r.error = `parked: ${parked}; delivered when the plugin runs again`;
    }
    view.status = view.results.some((r) => r.status === "pending") ? "pending" : "completed";
    return view;
  }

  /** `GET /v1/events`: events newest first, with their dead letters (outcomes written first). */
  async listEvents(filter: EventFilter): Promise<EventPage> {
    await this.#writer.drain();
    return await listEvents(this.#store, filter);
  }

  /**
   * `POST /v1/events/{id}/redeliver`: the event's dead deliveries to `pluginId` are pending again,
   * with a fresh retry budget, and go out at once (or wait, parked, until the plugin runs).
   */
  async redeliver(eventId: string, pluginId: string, actor: string): Promise<Redelivery> {
    await this.#writer.drain(); // an outcome known but not written must not be overwritten later
    const done = await resetDeadDeliveries(this.#store, eventId, pluginId, actor);
    const view = await readEvent(this.#store, eventId);
    if (view) {
      const subscribers = done.hooks.map((hook) => ({ pluginId, hook, priority: 0, timeoutMs: 0 }));
      const bytes = JSON.stringify(view.event).length;
      this.#dispatcher.accept([{ event: view.event, subscribers, bytes }]);
    }
    return done;
  }

  /** `POST /v1/filters/{name}`: the chain of the plugins that run for `tenant` (if given). */
  async filter(name: string, data: unknown, tenant?: unknown): Promise<FilterOutcome> {
    const t = await this.#tenant(tenant, "the filter's tenant");
    const subscribers = await this.subscriptions.filters(name, t);
    return await runFilterChain(this.#host, subscribers, name, data, t);
  }

  /** `POST /v1/gates/{name}`: the votes of the plugins that run for `tenant` (if given). */
  async gate(name: string, data: unknown, tenant?: unknown): Promise<GateOutcome> {
    const t = await this.#tenant(tenant, "the gate's tenant");
    const subscribers = await this.subscriptions.gates(name, t);
    const failOpen = this.policies.get(name).fail_open;
    return await runGate(this.#host, subscribers, name, data, failOpen, t);
  }

  /**
   * A registered tenant, or null when none is named (undefined or null) or while no tenant is
   * registered (then `tenant` is an ordinary attribute, as before tenants existed).
   */
  async #tenant(tenant: unknown, what: string): Promise<string | null> {
    if (tenant === undefined || tenant === null) return null;
    if (!await this.#tenants.enforced()) return null;
    return await this.#tenants.require(tenant, what);
  }

  /** `PUT /v1/gates/{name}/policy`. */
  setGatePolicy(name: string, failOpen: boolean, actor: string): Promise<GatePolicy> {
    return this.policies.set(name, failOpen, actor);
  }

  /** Cron jobs of one plugin with their last run. */
  cronStatus(pluginId: string): CronJobStatus[] {
    return this.#cron.status(pluginId);
  }

  async #reconcileCron(): Promise<void> {
    this.#cron.reconcile(await this.#host.enabled());
  }
}
