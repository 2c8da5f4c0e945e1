/** Types of the supervisor. */
import type { HandlerSet } from "./protocol.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner } from "./runner.ts";
import type { CpuBudget } from "./cpu_budget.ts";
import type { HealthChange, HealthPolicy } from "./health_watch.ts";
import type { StandbyPolicy } from "./standby_pool.ts";
import type { DeniedAttempt, HostHandler, LogLine, RuntimeState } from "./types.ts";

/** What the supervisor needs to run one plugin. */
export interface PluginSpec {
  id: string;
  version: string;
  /** Handlers the manifest declares (see `manifestHandlers()`). */
  expectedHandlers: HandlerSet;
  limits: { memory_mb: number; timeout_ms: number; concurrency: number };
  /** Validated config, secrets decrypted. @default {} */
  config?: Record<string, unknown>;
  /**
   * Builds the launch plan for each start (see `launchPlan()`), right before its spawn: every one,
   * also a restart after a crash, an on-demand start and a standby. The daemon's plan checks the
   * prepared folder's code here first.
   */
  plan: () => LaunchPlan | Promise<LaunchPlan>;
  /** Calls start the plugin on demand only when enabled. @default true */
  enabled?: boolean;
  /** Call `onEnable` after each start when the module defines it. @default true */
  runOnEnable?: boolean;
  /**
   * The plugin's `$DATA` size: its limit, how to measure it, and whether the supervisor enforces
   * it (watched mode: over the limit, the plugin is stopped and marked failed). Shown in `stats`.
   */
  disk?: DiskLimit;
}

/** `$DATA` size limit of one plugin. */
export interface DiskLimit {
  limitBytes: number;
  /** Bytes used, measured at most `maxAgeMs` ago (0: now). */
  usage: (maxAgeMs?: number) => Promise<number>;
  /** `volume`: the file system refuses writes past the limit; `watched`: the supervisor stops it. */
  enforcement: "volume" | "watched";
}

/** Supervisor-wide options; each has a default. */
export interface SupervisorOptions {
  hostHandler: HostHandler;
  /** @default ignore */
  onLog?: (pluginId: string, line: LogLine) => void;
  /** @default ignore */
  onStateChange?: (pluginId: string, state: RuntimeState, reason?: string) => void;
  /** Every permission denial (the daemon emits `plugin.permission_denied`). @default ignore */
  onDenied?: (pluginId: string, attempt: DeniedAttempt) => void;
  /** Starts each plan. @default processRunner({ seats }) */
  runner?: Runner;
  /**
   * Without `runner`: how many launchers wait in fresh cgroups for starts (seats, see
   * `processRunner`), so a start does no cgroup migration; ended when the supervisor is disposed.
   * @default 0
   */
  seats?: number;
  /** With `seats`: where their command files go (see `processRunner`'s `seatDir`). */
  seatDir?: string;
  /** Called before each start; false or a throw → state `failed` ("integrity"). @default none */
  verifyIntegrity?: (pluginId: string) => Promise<boolean>;
  /** 0 = off. @default 30000 */
  healthIntervalMs?: number;
  /** @default 5000 */
  healthTimeoutMs?: number;
  /** More than `restarts` crashes within `windowMs` → failed. @default { restarts: 5, windowMs: 60000 } */
  crashBudget?: { restarts: number; windowMs: number };
  /** Restart delay doubles from `initialMs` up to `maxMs`. @default { initialMs: 100, maxMs: 30000 } */
  backoff?: { initialMs: number; maxMs: number };
  /** Stop plugins with only action/cron hooks after this idle time; 0 = never. @default 0 */
  idleStopMs?: number;
  /**
   * Standby processes for plugins stopped idle that are started often (see `StandbyPool`).
   * @default off (`STANDBY_OFF`)
   */
  standby?: StandbyPolicy;
  /** @default READY_TIMEOUT_MS */
  readyTimeoutMs?: number;
  /** @default 2000 */
  gracefulMs?: number;
  /**
   * CPU burnt outside calls, enforced by restarting the plugin, when the process caps give no
   * cpu quota (`rlimit`/`none`). `null` turns it off. @default { percent: 50, windowMs: 10000 }
   */
  cpuBudget?: CpuBudget | null;
  /** Denied attempts kept per plugin. @default 20 */
  deniedHistory?: number;
  /** How often a watched `$DATA` is measured, ms. @default 1000 */
  diskWatchMs?: number;
  /**
   * Calls the supervisor makes itself (`onEnable` after each start), when they end: for execution
   * records. @default ignore
   */
  onOwnCall?: (pluginId: string, call: OwnCall) => void;
  /** When failed health checks degrade and restart a plugin. @default HEALTH_POLICY */
  healthPolicy?: Partial<HealthPolicy>;
  /** A plugin became degraded, is restarted for its health, or recovered. @default ignore */
  onHealth?: (pluginId: string, change: HealthChange) => void;
}

/** A call the supervisor made itself, and how it ended. */
export interface OwnCall {
  kind: "lifecycle";
  name: string;
  /** ms since the epoch. */
  startedAt: number;
  durationMs: number;
  error?: unknown;
}

/** Per-plugin statistics. */
/** The cheap part of {@linkcode PluginStats}: state and counters. */
export interface PluginCounters {
  state: RuntimeState;
  invocations: number;
  errors: number;
  timeouts: number;
  restarts: number;
  /** Operations the sandbox refused. */
  denied: number;
  /** The last answer to `health()`, if any (`{status: "unhealthy", error}` when none came). */
  health?: unknown;
  /** Failed health checks in a row made it degraded (a check has not passed since). */
  degraded?: boolean;
}

export interface PluginStats {
  state: RuntimeState;
  reason?: string;
  invocations: number;
  errors: number;
  timeouts: number;
  restarts: number;
  lastError?: { message: string; at: number };
  denied: { count: number; recent: DeniedAttempt[] };
  protocolViolations: number;
  droppedLogs: number;
  pid?: number;
  /** Resident memory of the sandbox process tree, bytes. */
  rssBytes?: number;
  uptimeMs?: number;
  /** Process cap in effect, e.g. `cgroup-v1 memory 224 MiB, cpu 50%, pids 64`. */
  caps?: string;
  /** `$DATA` use against its limit. */
  disk?: { usedBytes: number; limitBytes: number; enforcement: "volume" | "watched" };
  /** The standby process kept ready while the plugin is stopped, and its private memory. */
  standby?: { pid: number; privateBytes: number };
  /** The last answer to `health()` (`{status: "unhealthy", error}` when none came). */
  lastHealth?: unknown;
  /** Failed health checks in a row. */
  healthFailures?: number;
  /** Since when failed health checks made it degraded (ms), or null. */
  degradedSince?: number | null;
}

/** How long a start waits for the plugin's ready handshake unless told otherwise (10 s). */
export const READY_TIMEOUT_MS = 10_000;
