/**
 * The fleet on this daemon: the NATS connection, the mirror of the fleet bucket, this host's
 * converger and heartbeat, and what the API asks (apply, status, rollouts). NATS being away
 * never stops plugins or local events: the service reports `disconnected` and picks up where it
 * was when NATS returns.
 */
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Config, FleetSettings } from "../config/mod.ts";
import { metrics } from "../metrics/mod.ts";
import type { Store } from "../store/mod.ts";
import type { FleetPlugins } from "./converge.ts";
import { FleetUnavailableError } from "./errors.ts";
import type { ApplyResult } from "./fleet_apply.ts";
import {
  applyAudited,
  controlRolloutAudited,
  type FleetOperationDeps,
  forgetAudited,
} from "./fleet_operations.ts";
import { openBucket, watchBucket } from "./fleet_bucket.ts";
import { attachWithRetry } from "./attach_retry.ts";
import { writeHeartbeat, writeHostStatus } from "./host_records.ts";
import { FleetMirror, type MirrorChange } from "./fleet_mirror.ts";
import { type FleetStatus, fleetStatus } from "./fleet_status.ts";
import { HostAgent } from "./host_agent.ts";
import { ManagedPlugins } from "./managed_plugins.ts";
import { type FleetNames, fleetNames } from "./names.ts";
import { FleetConnection } from "./nats_connection.ts";
import { FleetEvents } from "./fleet_events.ts";
import { FleetTasks } from "./fleet_tasks.ts";
import type { TaskHost } from "../tasks/mod.ts";
import type { ForgetResult } from "./forget_host.ts";
import type { PluginStatus } from "./types.ts";
import { type RolloutAction, rollouts } from "./rollout_control.ts";
import type { RolloutView } from "./rollout_view.ts";

/** What the service needs from the daemon. */
export interface FleetServiceDeps {
  settings: FleetSettings;
  config: Config;
  store: Store;
  plugins: FleetPlugins & { watchState?: (l: (id: string, state: string) => void) => unknown };
  /** Folder for temporary downloads. */
  workDir: string;
  log: (message: string) => void;
  /**
   * Feeds a fleet event into this host's durable intake (throws `FleetEventRefused` for an
   * event no host may take). @default fleet events are not consumed here
   */
  intake?: (event: Record<string, unknown>) => Promise<void>;
  /** Runs fleet tasks in this host's plugins. @default this host takes no fleet tasks */
  tasks?: { host: TaskHost; retryBaseMs?: number; ackWaitMs?: number };
}

const HEARTBEAT_MS = 10_000;
const TICK_MS = 1_000;

/** The daemon's fleet membership (one per daemon with `nats.url`). */
export class FleetService {
  readonly settings: FleetSettings;
  readonly names: FleetNames;
  readonly mirror: FleetMirror;
  #d: FleetServiceDeps;
  #conn: FleetConnection;
  #agent: HostAgent;
  #events: FleetEvents;
  /** Tasks of `fleet: true` types: accepted here, taken by any host that processes them. */
  readonly tasks: FleetTasks;
  #kv: KV | null = null;
  #ready = false;
  #session: AbortController | null = null;
  #timers: ReturnType<typeof setInterval>[] = [];
  #startedAt = new Date().toISOString();
  #connectedGauge = metrics.gauge("plugd_fleet_connected", "1 while NATS is reachable, else 0");
  #converge = metrics.counter("plugd_fleet_converge_total", "Fleet reconciliations by result");
  #eventCount = metrics.counter("plugd_fleet_events_total", "Fleet events by what happened");
  #taskCount = metrics.counter("plugd_fleet_tasks_total", "Fleet tasks by what happened here");
  #operations: FleetOperationDeps;

  constructor(deps: FleetServiceDeps) {
    this.#d = deps;
    this.settings = deps.settings;
    this.names = fleetNames(deps.settings.name);
    this.mirror = new FleetMirror(deps.settings.hostId);
    this.#agent = new HostAgent({
      settings: deps.settings,
      mirror: this.mirror,
      plugins: deps.plugins,
      managed: new ManagedPlugins(deps.store),
      check: { store: deps.store, config: deps.config, workDir: deps.workDir },
      writeStatus: (id, status) => this.#writeStatus(id, status),
      log: deps.log,
      count: (result) => this.#converge.inc({ result }),
    });
    this.#events = new FleetEvents({
      store: deps.store,
      names: this.names,
      hostId: deps.settings.hostId,
      replicas: deps.settings.replicas,
      intake: deps.intake ?? (() => Promise.resolve()),
      log: deps.log,
      count: (what) => this.#eventCount.inc({ what }),
    });
    this.tasks = new FleetTasks({
      store: deps.store,
      names: this.names,
      hostId: deps.settings.hostId,
      replicas: deps.settings.replicas,
      host: deps.tasks?.host ??
        { enabled: () => Promise.resolve([]), invoke: () => Promise.reject() },
      known: (type) => [...this.mirror.hosts.values()].some((h) => h.info.tasks?.includes(type)),
      onTypes: () => void this.#heartbeat(),
      log: deps.log,
      retryBaseMs: deps.tasks?.retryBaseMs,
      ackWaitMs: deps.tasks?.ackWaitMs,
      count: (what) => this.#taskCount.inc({ what }),
    });
    this.#conn = new FleetConnection(deps.settings, {
      onUp: (nc) => void this.#attach(nc),
      onDown: () => this.#detach(),
      log: deps.log,
    });
    this.#connectedGauge.set({}, 0);
    this.#operations = {
      store: deps.store,
      config: deps.config,
      workDir: deps.workDir,
      mirror: this.mirror,
      names: this.names,
      fleetName: deps.settings.name,
      hostId: deps.settings.hostId,
      kv: () => this.#requireKv(),
      nc: () => this.#conn.nc!,
    };
  }

  /** Whether NATS is reachable and the desired state is loaded. */
  get connected(): boolean {
    return this.#conn.connected && this.#ready;
  }

  /** Starts connecting (in the background) and following plugin state changes. */
  start(): Promise<void> {
    this.#d.plugins.watchState?.((id) => {
      this.#agent.touch(id);
      void this.tasks.refresh();
    });
    void this.tasks.refresh();
    this.#conn.start();
    this.#timers.push(setInterval(() => this.#agent.tick(), TICK_MS));
    this.#timers.push(setInterval(() => void this.#heartbeat(), HEARTBEAT_MS));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.tasks.stop();
    this.#detach();
    await this.#agent.idle();
    await this.#events.idle();
    await this.#conn.close();
  }

  /** `fleet` and `fleet_host` in `/v1/health`. */
  health(): Record<string, unknown> {
    return {
      fleet: this.connected ? "connected" : "disconnected",
      fleet_host: this.settings.hostId,
      ...(this.connected ? {} : { fleet_reason: this.#conn.lastError ?? "connecting" }),
    };
  }

  /** Checks, plans and writes a fleet document (see `applyFleet`); a write is audited here. */
  apply(doc: unknown, o: { dryRun: boolean; actor: string }): Promise<ApplyResult> {
    return applyAudited(this.#operations, doc, o);
  }

  /**
   * Accepts a fleet event: stored in this host's outbox before this resolves, published to the
   * fleet's stream now or when NATS is back, delivered to every host (this one included).
   */
  async publishEvent(event: Record<string, unknown>): Promise<{ id: string }> {
    const fleetEvent = {
      ...event,
      scope: "fleet",
      fleethost: event.fleethost ?? this.settings.hostId,
    };
    await this.#events.publish(fleetEvent);
    return { id: String(event.id) };
  }

  /** Hosts × plugins. */
  status(): FleetStatus {
    return fleetStatus(this.mirror, this.settings.hostId, this.connected);
  }

  /** Every rollout, or one plugin's. */
  rollouts(pluginId?: string): RolloutView[] {
    return rollouts(this.mirror, pluginId);
  }

  /** Pauses, resumes or aborts a plugin's rollout; audited. */
  controlRollout(pluginId: string, action: RolloutAction, actor: string): Promise<RolloutView> {
    return controlRolloutAudited(this.#operations, pluginId, action, actor);
  }

  /** Takes a host that left for good out of the fleet (see `forgetHost`); audited. */
  forget(hostId: string, o: { force: boolean; actor: string }): Promise<ForgetResult> {
    return forgetAudited(this.#operations, hostId, o);
  }

  /** Resolves once this host has nothing left to converge (tests). */
  idle(): Promise<void> {
    return this.#agent.idle();
  }

  #requireKv(): KV {
    if (!this.#kv || !this.connected) {
      throw new FleetUnavailableError(
        `NATS is not reachable from this host (${this.#conn.lastError ?? "connecting"}); ` +
          "the fleet's desired state cannot be read or written now",
      );
    }
    return this.#kv;
  }

  async #attach(nc: NatsConnection): Promise<void> {
    this.#session?.abort();
    const session = new AbortController();
    this.#session = session;
    try {
      const kv = this.#kv ?? await openBucket(nc, this.names.bucket, this.settings.replicas);
      if (session.signal.aborted) return;
      this.#kv = kv;
      await this.#heartbeat();
      const retry = { signal: session.signal, log: this.#d.log, delayMs: 2 * TICK_MS };
      void attachWithRetry("the fleet event stream", () => this.#events.attach(nc), retry);
      void attachWithRetry(
        "the fleet task queue",
        () => this.tasks.attach(nc, session.signal),
        retry,
      );
      while (!session.signal.aborted) {
        await watchBucket(kv, this.mirror, {
          signal: session.signal,
          onChange: (c) => this.#changed(c),
          onReady: () => {
            this.#ready = true;
            this.#connectedGauge.set({}, 1);
            void this.#agent.activate();
          },
        }).catch((error) => {
          if (!session.signal.aborted) this.#d.log(`fleet: watch ended: ${error.message}`);
        });
        if (!session.signal.aborted) await new Promise((r) => setTimeout(r, TICK_MS));
      }
    } catch (error) {
      this.#d.log(`fleet: cannot open the fleet bucket: ${(error as Error).message}`);
    }
  }

  #detach(): void {
    this.#session?.abort();
    this.#session = null;
    this.#ready = false;
    this.#connectedGauge.set({}, 0);
    this.#agent.deactivate();
    this.#events.detach();
    this.tasks.detach();
  }

  #changed(change: MirrorChange): void {
    if (change.kind === "host") {
      // A host going or coming may move a rollout along.
      this.#agent.tick();
      return;
    }
    if (change.kind === "status" && !this.mirror.desired.get(change.plugin)?.entry?.plan) return;
    this.#agent.touch(change.plugin);
  }

  async #heartbeat(): Promise<void> {
    if (!this.#kv || !this.#conn.connected) return;
    await writeHeartbeat(this.#kv, this.settings, this.#startedAt, this.tasks.types());
  }

  #writeStatus(pluginId: string, status: PluginStatus | null): Promise<void> {
    return writeHostStatus(this.#kv, this.mirror, this.settings.hostId, pluginId, status);
  }
}
