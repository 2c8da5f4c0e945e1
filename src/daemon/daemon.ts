import type { Hono } from "hono";
import { createApp, toProblemResponse } from "../api/mod.ts";
import type { ApiEnv } from "../api/mod.ts";
import { ensureAdminToken } from "../auth/mod.ts";
import type { Config } from "../config/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { ensureStateDir, type StateLayout, stateLayout } from "./state_dir.ts";
import { serveUnixSocket } from "./unix_socket.ts";

/** Writes a line to the daemon's log (stderr; journald under systemd). */
export type DaemonLog = (message: string) => void;

/** Calls the daemon's own HTTP app in-process (the web console acts through the API). */
export type InProcessFetch = (request: Request, env: ApiEnv["Bindings"]) => Promise<Response>;

/** Services built on the store that contribute route groups and need disposal. */
export interface DaemonService {
  routes?: Hono<ApiEnv>;
  /** Receives the app once it is built (it includes this service's own routes). */
  attachApi?(fetch: InProcessFetch): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a daemon's services once the store is open (wired in `daemon_services.ts`). */
export type ServiceFactory = (ctx: {
  config: Config;
  store: Store;
  layout: StateLayout;
  log: DaemonLog;
}) => Promise<DaemonService[]>;

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
  #servers: Deno.HttpServer[] = [];
  #services: DaemonService[] = [];
  #log: DaemonLog;
  #stopping: Promise<void> | null = null;

  private constructor(config: Config, store: Store, layout: StateLayout, log: DaemonLog) {
    this.config = config;
    this.store = store;
    this.layout = layout;
    this.#log = log;
  }

  /** Opens state, builds services, starts listening. */
  static async start(
    config: Config,
    options: { log?: DaemonLog; services?: ServiceFactory } = {},
  ): Promise<Daemon> {
    const log = options.log ?? ((m) => console.error(`plugd: ${m}`));
    const layout = stateLayout(config.stateDir);
    await ensureStateDir(layout);
    const store = await openStore(config.dbUrl, { authToken: config.dbAuthToken });
    const daemon = new Daemon(config, store, layout, log);
    try {
      await daemon.#boot(options.services);
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  async #boot(services?: ServiceFactory): Promise<void> {
    const tokenPath = await ensureAdminToken(this.store, this.config.stateDir);
    if (tokenPath) this.#log(`wrote the initial admin token to ${tokenPath} (mode 0600)`);
    this.#services = services
      ? await services({
        config: this.config,
        store: this.store,
        layout: this.layout,
        log: this.#log,
      })
      : [];
    const app = createApp({
      store: this.store,
      startedAt: this.startedAt,
      state: () => this.#state,
      groups: this.#services.flatMap((s) => (s.routes ? [s.routes] : [])),
    });
    const inProcess: InProcessFetch = async (req, env) => await app.fetch(req, env);
    for (const service of this.#services) service.attachApi?.(inProcess);
    const socket = await serveUnixSocket(
      this.config.socketPath,
      (req) => app.fetch(req, { transport: "socket" }),
      toProblemResponse,
    );
    this.#servers.push(socket);
    if (this.config.http) {
      const { hostname, port } = this.config.http;
      const tcp = Deno.serve(
        { hostname, port, onListen: () => {}, onError: toProblemResponse },
        (req, info) =>
          app.fetch(req, { transport: "tcp", remote: (info.remoteAddr as Deno.NetAddr).hostname }),
      );
      this.#servers.push(tcp);
      // With port 0 the kernel picks one: record it, since "never grantable to a plugin"
      // must name the port actually bound.
      this.config.http!.port = tcp.addr.port;
      this.#log(`listening on http://${hostname}:${tcp.addr.port}`);
    }
    this.#log(`listening on unix:${this.config.socketPath}`);
    for (const service of this.#services) await service.start?.();
    this.#state = "running";
  }

  /** The TCP port actually bound (useful with port 0), or null without TCP. */
  get httpPort(): number | null {
    const tcp = this.#servers.find((s) => "port" in s.addr);
    return tcp ? (tcp.addr as Deno.NetAddr).port : null;
  }

  /** Graceful stop: stop accepting, drain in-flight requests, stop services, close the DB. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      await Promise.allSettled(this.#servers.map((s) => s.shutdown()));
      for (const service of [...this.#services].reverse()) {
        try {
          await service.stop?.();
        } catch (error) {
          this.#log(`error while stopping a service: ${(error as Error).message}`);
        }
      }
      this.store.close();
      this.#state = "stopped";
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
