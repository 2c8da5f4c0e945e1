/** Types shared by the web console's files. */
import type { ConfigRootSchema } from "../manifest/mod.ts";
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
  /** The last `health()` answer, e.g. `{status: "healthy"}`. */
  health?: unknown;
  signed_by?: string | null;
  risk?: string;
  invocations?: number;
  errors?: number;
  restarts?: number;
  denials?: number;
  /** A system addon's own status (`kind: system`). */
  addon?: AddonView | null;
}

/** A system addon's own status beside its plugd state, as the API shows it. */
export interface AddonView {
  /** Installation status: `not_installed`, `installing`, `installed`, `failed`, `degraded`, ... */
  status: string;
  /** `healthy`, `unhealthy`, `degraded` or `unknown`. */
  health: string;
  message: string;
  /** The version of the software it manages, as `addon_status` reported it. */
  version: string | null;
  checked_at: string | null;
  privileged: boolean;
  /** The operations its script implements. */
  operations: string[];
  running: {
    operation: string;
    execution: string;
    progress: { percent: number; message: string } | null;
  } | null;
}

/** A requested permission entry with its risk, as the API assesses it. */
export interface RiskEntry {
  kind: string;
  value: string;
  level: string;
  reason: string;
}

/** `GET /v1/plugins/{id}`, as the console reads it (extra fields are ignored). */
export interface PluginView {
  id: string;
  version: string;
  state: string;
  failed_reason: string | null;
  manifest: {
    id: string;
    name: string;
    version: string;
    description: string;
    author?: string;
    license?: string;
    homepage?: string;
    plugd: string;
    entry: string;
    permissions: Record<string, string[]>;
    hooks: { kind: string; name: string; priority: number }[];
    routes: { method: string; path: string }[];
    cron: { name: string; schedule: string }[];
    /** The settings schema, normalized to JSON Schema by the daemon. */
    config: ConfigRootSchema;
    limits: { memory_mb: number; timeout_ms: number; concurrency: number };
    dependencies?: { plugins: Record<string, string> };
    conflicts?: string[];
  };
  source: string;
  digest: string;
  signed_by: string | null;
  installed_at: string;
  updated_at: string;
  permissions: {
    requested: Record<string, string[]>;
    granted: Record<string, string[]> | null;
    risks: RiskEntry[];
  };
  /** The tenants it runs for: `"all"`, or their ids (absent from daemons before tenants). */
  tenants?: "all" | string[];
  /** A version waiting for a grant of wider permissions while this one keeps running. */
  pending_update?: {
    from: string;
    to: string;
    requested: Record<string, string[]>;
    risks: RiskEntry[];
    permissions_diff: string;
  } | null;
  health: unknown;
  /** npm packages bundled into the package at pack time (its bill of materials). */
  dependencies?: {
    name: string;
    version: string;
    integrity: string | null;
    license: string | null;
  }[];
  /** Set for a system addon (`kind: system`). */
  addon?: AddonView | null;
  stats: {
    state: string;
    reason?: string;
    invocations?: number;
    errors?: number;
    timeouts?: number;
    restarts?: number;
    lastError?: { message: string; at: number };
    denied?: { count: number; recent: { what: string; when: number }[] };
    rssBytes?: number;
    uptimeMs?: number;
    caps?: string;
    pid?: number;
    emit_denied?: number;
    storage_bytes?: number;
  };
  cron: {
    name: string;
    schedule: string;
    next_run_at?: string | null;
    last_run_at?: string | null;
    last_status?: string | null;
  }[];
}

/** One field of a manifest's `config:` schema. */
