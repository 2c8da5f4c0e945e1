/** Types shared by the web console's files. */
import type { ApiEnv, Principal } from "../api/mod.ts";
import type { Scope } from "../auth/mod.ts";
import type { Store } from "../store/mod.ts";

/** Calls the daemon's HTTP app in-process (set once the app exists). */
export type ApiFetch = (request: Request, env: ApiEnv["Bindings"]) => Promise<Response>;

/** Facts about the running daemon that the overview shows and the API does not serve. */
export interface DaemonFacts {
  /** Dev mode: folder installs allowed. */
  dev: boolean;
  /** `bwrap`, `flags` or `none`, and why. */
  sandbox: { mode: string; reason: string };
  /** Process-cap mechanism, e.g. `cgroup-v1` or `rlimit`. */
  capsMechanism: string;
  /** Where `plugd ui` login links point, e.g. `http://127.0.0.1:7420`; null without TCP. */
  publicUrl: () => string | null;
}

/** What the console needs from the daemon. */
export interface ConsoleDeps {
  store: Store;
  facts: DaemonFacts;
  /** Folder for uploaded archives (created 0700 on first use). */
  uploadDir: string;
  /** Idle and absolute session lifetimes in ms. @default 1 h idle, 12 h absolute */
  sessionIdleMs?: number;
  sessionMaxMs?: number;
}

/** A signed-in console session, re-checked against its token on every request. */
export interface Session {
  /** sha256 of the cookie value: the row's key. */
  idHash: string;
  tokenId: string;
  tokenName: string;
  scope: Scope;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** What the signed-in operator may do, derived from the session's scope. */
export interface Abilities {
  read: boolean;
  operate: boolean;
  emit: boolean;
  admin: boolean;
}

/** Hono environment of console routes. */
export interface ConsoleEnv {
  Bindings: ApiEnv["Bindings"];
  Variables: {
    session: Session;
    principal: Principal;
    can: Abilities;
  };
}

/** One row of `GET /v1/plugins`, as the console reads it. */
export interface PluginSummary {
  id: string;
  name?: string;
  version: string;
  state: string;
  failed_reason: string | null;
  description: string;
  granted: boolean;
  runtime: string;
  signed_by?: string | null;
  risk?: string;
  invocations?: number;
  errors?: number;
  restarts?: number;
  denials?: number;
}
