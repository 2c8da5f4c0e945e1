import type { Hono } from "hono";
import { actorProblem, createApi, StreamRegistry } from "../api/mod.ts";
import type { ApiEnv } from "../api/mod.ts";
import { ensureAdminToken } from "../auth/mod.ts";
import type { Config } from "../config/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { observeCommits, registerDaemonHealth } from "./health_metrics.ts";
import { applyLiveChanges, type ConfigChange, configChanges } from "./reload_config.ts";
import { ensureStateDir, removeIfOnlyLock, type StateLayout, stateLayout } from "./state_dir.ts";
import { lockStateDir, type StateLock } from "./state_lock.ts";
import type { ConnectionHandler, HttpListener, ListenerLimits } from "./http_listener.ts";
import { serve } from "./daemon_listener.ts";
import type { DaemonLog, DaemonService, InProcessFetch, ServiceFactory } from "./daemon_service.ts";
import { listenerLimits } from "./listener_limits.ts";
import { listenTcp } from "./tcp_listener.ts";
import { readTlsPem, samePem, type TlsPem } from "./tls_files.ts";
import { listenUnixSocket } from "./unix_socket.ts";

export type { DaemonLog, DaemonService, InProcessFetch, ServiceFactory };

/** How long requests in progress may take to finish once a stop begins. */
const DRAIN_MS = 5000;

/**
 * A running daemon: the store, the API on TCP and the Unix socket, and its services.
 * `await using daemon = await Daemon.start(config)`; dispose = graceful stop.
 */
export class Daemon {
  readonly config: Config;
  readonly store: Store;
  readonly layout: StateLayout;
  readonly startedAt = new Date();
  #state = "starting";
  readonly streams: StreamRegistry;
  #listeners: HttpListener[] = [];
  /** What the TCP listener was made with, to make its successor on a TLS reload. */
  #tcp: { tls: TlsPem | null; limits: ListenerLimits; handler: ConnectionHandler } | null = null;
  #services: DaemonService[] = [];
  #log: DaemonLog;
  #stopping: Promise<void> | null = null;
  #lock: StateLock;

  private constructor(
    config: Config,
    store: Store,
    layout: StateLayout,
    log: DaemonLog,
    lock: StateLock,
  ) {
    this.config = config;
    this.store = store;
    this.layout = layout;
    this.#log = log;
    this.#lock = lock;
    this.streams = new StreamRegistry({ checkActor: actorProblem(store) });
  }

  /**
   * Locks the state dir (one daemon per state dir), binds the TCP address (so a busy port fails
   * before anything is written), opens state, builds services, starts listening.
   */
  static async start(
    config: Config,
    options: { log?: DaemonLog; services?: ServiceFactory } = {},
  ): Promise<Daemon> {
    const log = options.log ?? ((m) => console.error(`plugd: ${m}`));
    const layout = stateLayout(config.stateDir);
    const fresh = await Deno.mkdir(layout.root, { recursive: false, mode: 0o711 }).then(
      () => true,
      (e) => {
        if (e instanceof Deno.errors.AlreadyExists) return false;
        if (e instanceof Deno.errors.NotFound) {
          return Deno.mkdir(layout.root, { recursive: true, mode: 0o711 }).then(() => true);
        }
        throw e;
      },
    );
    const lock = await lockStateDir(layout.root);
    // Requests that arrive while the daemon is still starting get 503 instead of a refused
    // connection; the handler is swapped for the app once it is built.
    let handler: ConnectionHandler = (_req, _info) =>
      Response.json(
        { type: "about:blank", title: "Starting", status: 503, detail: "plugd is starting" },
        {
          status: 503,
          headers: { "retry-after": "1", "content-type": "application/problem+json" },
        },
      );
    let tcp: HttpListener | null = null;
    let store: Store | null = null;
    let tls: TlsPem | null = null;
    const limits = await listenerLimits(config, log);
    const tcpHandler: ConnectionHandler = (req, info, close) => handler(req, info, close);
    try {
      if (config.http) {
        tls = config.tls ? await readTlsPem(config.tls) : null;
        const listener = listenTcp({
          ...config.http,
          origin: config.origins?.http,
          tls: tls ?? undefined,
        });
        tcp = serve(listener, limits, log, { handler: tcpHandler, watchBodies: true });
      }
      await ensureStateDir(layout);
      // Commits run on a writer thread: a slow disk never stalls the event loop.
      store = await openStore(config.dbUrl, {
        authToken: config.dbAuthToken,
        writerThread: true,
        onCommit: observeCommits(),
        synchronous: config.dbSynchronous,
      });
      if (config.dbSynchronous === "normal" && config.dbUrl.startsWith("file:")) {
        log(
          "database: db_synchronous = normal: commits are synced at checkpoints only; an " +
            "acknowledged write survives a daemon crash or kill -9, NOT a power loss or kernel crash",
        );
      }
    } catch (error) {
      await tcp?.shutdown({ drainMs: 0 });
      lock.release();
      if (fresh) await removeIfOnlyLock(layout.root);
      throw error;
    }
    const daemon = new Daemon(config, store, layout, log, lock);
    if (tcp) daemon.#listeners.push(tcp);
    registerDaemonHealth(store, () => daemon.#listeners);
    daemon.#tcp = { tls, limits, handler: tcpHandler };
    try {
      const app = await daemon.#boot(options.services, limits);
      handler = (req, info, closeConnection) =>
        app.fetch(req, {
          transport: "tcp",
          remote: (info.remoteAddr as Deno.NetAddr).hostname,
          closeConnection,
        });
      await daemon.#startServices();
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  async #boot(services: ServiceFactory | undefined, limits: ListenerLimits): Promise<Hono<ApiEnv>> {
    const tokenPath = await ensureAdminToken(this.store, this.config.stateDir);
    if (tokenPath) this.#log(`wrote the initial admin token to ${tokenPath} (mode 0600)`);
    this.#services = services
      ? await services({
        config: this.config,
        store: this.store,
        layout: this.layout,
        log: this.#log,
        streams: this.streams,
      })
      : [];
    const { app, socket: socketFetch } = createApi({
      store: this.store,
      startedAt: this.startedAt,
      state: () => this.#state,
      problems: () => {
        const p = this.store.problem;
        return p ? [{ component: "database", detail: p.detail, since: p.since }] : [];
      },
      facts: () => Object.assign({}, ...this.#services.map((s) => s.health?.() ?? {})),
      groups: this.#services.flatMap((s) => (s.routes ? [s.routes] : [])),
      socketRoutes: this.#services.flatMap((s) => s.socketRoutes ?? []),
    });
    const inProcess: InProcessFetch = async (req, env) => await app.fetch(req, env);
    for (const service of this.#services) service.attachApi?.(inProcess);
    const listener = await listenUnixSocket(this.config.socketPath).catch((error) => {
      // Name where the socket path was set, so the fix is obvious.
      const origin = this.config.origins?.socket;
      if (origin && error instanceof Error) error.message += ` [socket set by ${origin}]`;
      throw error;
    });
    const socket = serve(listener, limits, this.#log, {
      handler: (req, _info, closeConnection) =>
        socketFetch(req, { transport: "socket", closeConnection }),
      // The socket is trusted (file mode 0660): its bodies keep Deno's buffered fast path.
      watchBodies: false,
    });
    this.#listeners.push(socket);
    const tcp = this.#listeners.find((s) => s.addr.transport === "tcp");
    if (tcp && this.config.http) {
      // With port 0 the kernel picks one: record it, since "never grantable to a plugin"
      // must name the port actually bound.
      this.config.http.port = (tcp.addr as Deno.NetAddr).port;
      const scheme = this.#tcp?.tls ? "https" : "http";
      this.#log(`listening on ${scheme}://${this.config.http.hostname}:${this.config.http.port}`);
      if (this.config.insecureListen && !this.#tcp?.tls) {
        this.#log(
          `WARNING: --insecure-listen: bearer tokens cross the network to ` +
            `${this.config.http.hostname} in clear text unless a TLS proxy or private network ` +
            `protects them`,
        );
      }
    }
    this.#log(`listening on unix:${this.config.socketPath}`);
    return app;
  }

  async #startServices(): Promise<void> {
    for (const service of this.#services) await service.start?.();
    this.#state = "running";
  }

  /**
   * Applies a re-read configuration (SIGHUP): live settings now, the others named as needing a
   * restart. Plugins and connections are untouched. Returns every change.
   */
  async reload(next: Config): Promise<ConfigChange[]> {
    const changes = configChanges(this.config, next);
    applyLiveChanges(this.config, next);
    await this.#reloadTls(next);
    for (const service of this.#services) await service.reload?.(this.config);
    return changes;
  }

  /**
   * SIGHUP with TLS: re-reads the certificate files (renewed in place, or new paths) and, when
   * they changed, binds a listener with the new certificate on the same address (SO_REUSEPORT)
   * before the old one stops accepting. Connections and requests on the old listener finish
   * normally; new handshakes get the new certificate. A bad file keeps the running one.
   */
  async #reloadTls(next: Config): Promise<void> {
    const tcp = this.#tcp;
    if (!tcp?.tls || !next.tls || !this.config.http) return;
    let pem: TlsPem;
    try {
      pem = await readTlsPem(next.tls);
    } catch (error) {
      this.#log(`reload: TLS certificate NOT reloaded: ${(error as Error).message}`);
      return;
    }
    this.config.tls = next.tls;
    if (samePem(pem, tcp.tls)) return;
    const old = this.#listeners.find((s) => s.addr.transport === "tcp");
    const fresh = serve(listenTcp({ ...this.config.http, tls: pem }), tcp.limits, this.#log, {
      handler: tcp.handler,
      watchBodies: true,
    });
    this.#listeners = [...this.#listeners.filter((s) => s !== old), fresh];
    tcp.tls = pem;
    this.#log(`reload: TLS certificate reloaded from ${next.tls.certFile}`);
    old?.shutdown({ drainMs: DRAIN_MS }).catch(() => {}); // open connections finish on the old one
  }

  /** The TCP port actually bound (useful with port 0), or null without TCP. */
  get httpPort(): number | null {
    const tcp = this.#listeners.find((s) => s.addr.transport === "tcp");
    return tcp ? (tcp.addr as Deno.NetAddr).port : null;
  }

  /** The listeners (their connection counters feed `/metrics`). */
  get listeners(): readonly HttpListener[] {
    return this.#listeners;
  }

  /**
   * Graceful stop: end streams, stop accepting, let requests in progress finish (up to
   * `DRAIN_MS`, then their connections are closed), stop services, close the DB.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      this.streams.endAll("the daemon is stopping");
      await Promise.allSettled(this.#listeners.map((s) => s.shutdown({ drainMs: DRAIN_MS })));
      if (this.#listeners.some((l) => l.addr.transport === "unix")) {
        await Deno.remove(this.config.socketPath).catch(() => {}); // ours: we listened on it
      }
      for (const service of [...this.#services].reverse()) {
        try {
          await service.stop?.();
        } catch (error) {
          this.#log(`error while stopping a service: ${(error as Error).message}`);
        }
      }
      await this.store.close();
      this.#lock.release();
      this.#state = "stopped";
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
