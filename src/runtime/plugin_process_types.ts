/** Options and exit record of a `PluginProcess`. */
import type { HandlerSet } from "./protocol.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner } from "./runner.ts";
import type { DeniedAttempt, HostHandler, LogLine } from "./types.ts";

/** Options of `PluginProcess.start()`. */
export interface PluginProcessOptions {
  pluginId: string;
  version: string;
  /** What to start (see `launchPlan()`); its `paths` are the plugin's `ctx.paths`. */
  plan: LaunchPlan;
  /** Starts the plan (`processRunner()`, or a fake in tests). */
  runner: Runner;
  /** Handlers the manifest declares; the module must define exactly these. */
  expectedHandlers: HandlerSet;
  /** Validated config, secrets decrypted. @default {} */
  config?: Record<string, unknown>;
  hostHandler: HostHandler;
  /** @default ignore */
  onLog?: (line: LogLine) => void;
  /** @default ignore */
  onDenied?: (attempt: DeniedAttempt) => void;
  /** Spawn → ready. @default 10000 */
  readyTimeoutMs?: number;
  /** Default per-invocation timeout. @default 5000 */
  timeoutMs?: number;
  /** In-flight invocations. @default 8 */
  concurrency?: number;
  /** Invocations waiting for a slot; beyond that calls are rejected. @default 1000 */
  queueLimit?: number;
  /** SIGTERM → SIGKILL grace when killing. @default 100 */
  killGraceMs?: number;
  /** @default 64 */
  maxHostCalls?: number;
  /** @default 200 */
  logLinesPerSecond?: number;
  /**
   * What `init` waits for: called once the process is spawned (the plugin's integrity check, run
   * while the process starts); the shim loads the plugin's entry only after `init`, so no plugin
   * code runs before it resolves. A rejection fails the start with its error. @default none
   */
  initGate?: () => Promise<void>;
}

/** The defaults of the optional {@linkcode PluginProcessOptions}. */
export const PROCESS_DEFAULTS = {
  onLog: () => {},
  onDenied: () => {},
  readyTimeoutMs: 10_000,
  timeoutMs: 5_000,
  concurrency: 8,
  queueLimit: 1000,
  killGraceMs: 100,
  maxHostCalls: 64,
  logLinesPerSecond: 200,
} satisfies Partial<PluginProcessOptions>;

/** How and why a process ended. */
export interface ExitInfo {
  code: number;
  signal: Deno.Signal | null;
  /** `stopped` (asked), `timeout`, `killed`, `crashed`, `start_failed`. */
  reason: string;
}

/** A call sent to the plugin and not yet answered (internal to `PluginProcess`). */
export interface PendingCall {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  kind: string;
  name: string;
  timeoutMs: number;
  /** The grace after a cancellation, once cancelled. */
  graceMs?: number;
  onOutput?: (data: string) => void;
  /** Cancelled by the caller: its answer (and output) is awaited only to free the slot. */
  cancelled?: boolean;
  /** The tenant the call runs for: host calls naming this call act for it. */
  tenant?: string;
}

/** How errors name a call, e.g. `filter "notification.format"` (built only when needed). */
export function callName(p: PendingCall): string {
  return `${p.kind} "${p.name}"`;
}

/** The options of a call given none: one shared object, not a fresh `{}` per call. */
export const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});
