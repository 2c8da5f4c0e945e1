/** Types shared across the runtime area. */
import type { CallKind, HandlerSet, LogLevel, TenantCall } from "./shim/wire.ts";

/** Where plugin→host calls go. The plugin id is bound by the process; a frame never chooses it. */
export interface HostHandler {
  /**
   * Serve `op` (`storage.get|set|delete|list`, `emit`, `log`) for `pluginId`. Throw to answer with
   * an error (its `name` and `message` reach the plugin).
   */
  handleHostCall(
    pluginId: string,
    op: string,
    args: unknown,
    scope?: HostCallScope,
  ): Promise<unknown>;
}

/** Whom a host call acts for, as the runtime established it (never as the plugin claims). */
export interface HostCallScope {
  /**
   * The tenant of the in-flight call the host call names (`args.call`), or null: plugin-wide.
   * A host call naming a call that is not in flight is refused before it gets here.
   */
  tenant: string | null;
}

/** One line of a plugin's log. */
export interface LogLine {
  /** Milliseconds since the epoch. */
  ts: number;
  /** `stdout`/`stderr`: raw output; `sdk`: ctx.log/console; `system`: the supervisor. */
  stream: "stdout" | "stderr" | "sdk" | "system";
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** One permission denial a plugin hit. */
export interface DeniedAttempt {
  /** What was attempted, e.g. `Requires net access to "example.com:443"`. */
  what: string;
  /** Milliseconds since the epoch. */
  when: number;
}

/** Runtime state of a supervised plugin. */
export type RuntimeState =
  | "stopped"
  | "starting"
  | "running"
  | "stopping"
  | "backoff"
  | "failed";

/** Options of one invocation. */
export interface InvokeOptions {
  /** @default the plugin's limits.timeout_ms */
  timeoutMs?: number;
  /**
   * Cancels the call: the caller's promise rejects at once with the signal's reason, the plugin
   * gets a `cancel` frame (its handler's `ctx.signal` fires), and a plugin that has not answered
   * within `cancelGraceMs` is killed, like a timed-out one.
   */
  signal?: AbortSignal;
  /** @default 2000 */
  cancelGraceMs?: number;
  /**
   * The longest the call waits before it is sent: for a stop or a start of the plugin under way
   * (an on-demand start), then for a free slot among `limits.concurrency`. Past it the call fails
   * with `PluginWaitTimeoutError` and the plugin never sees it; the start goes on for the next
   * call. `timeoutMs` counts from the send. @default no limit
   */
  waitMs?: number;
  /** Receives the call's `out` frames (commands); without it such frames are violations. */
  onOutput?: (data: string) => void;
  /** Runs the call for a tenant: the handler's `ctx.tenant` and `ctx.config` are these. */
  tenant?: TenantCall;
}

/** Re-exported wire types used in public signatures. */
export type { CallKind, HandlerSet, LogLevel, TenantCall };
