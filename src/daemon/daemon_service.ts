/** What the daemon is built from: its services, the factory that builds them, its log. */
import type { Hono } from "hono";
import type { ApiEnv, SocketRoute, StreamRegistry } from "../api/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Store } from "../store/mod.ts";
import type { StateLayout } from "./state_dir.ts";

/** Writes a line to the daemon's log (stderr; journald under systemd). */
export type DaemonLog = (message: string) => void;

/** Calls the daemon's own HTTP app in-process (the web console acts through the API). */
export type InProcessFetch = (request: Request, env: ApiEnv["Bindings"]) => Promise<Response>;

/** Services built on the store that contribute route groups and need disposal. */
export interface DaemonService {
  routes?: Hono<ApiEnv>;
  /** Routes the Unix socket serves without the API's middleware (`SocketRoute`). */
  socketRoutes?: SocketRoute[];
  /** Receives the app once it is built (it includes this service's own routes). */
  attachApi?(fetch: InProcessFetch): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Takes the live settings after a reload (SIGHUP); the config object is already updated. */
  reload?(config: Config): void | Promise<void>;
  /** Facts added to `GET /v1/health` (e.g. `fleet: connected`). */
  health?(): Record<string, unknown>;
}

/** Builds a daemon's services once the store is open (wired in `daemon_services.ts`). */
export type ServiceFactory = (ctx: {
  config: Config;
  store: Store;
  layout: StateLayout;
  log: DaemonLog;
  /** Long-lived responses (log follows): limited, re-checked, ended on stop. @default a new one */
  streams?: StreamRegistry;
}) => Promise<DaemonService[]>;
