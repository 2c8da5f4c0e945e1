/** Types of execution records and usage rollups. */

/** What kind of call ran in a plugin (`operation`/`check`: a system addon's contract calls). */
export type ExecutionKind =
  | "action"
  | "filter"
  | "gate"
  | "route"
  | "cron"
  | "task"
  | "command"
  | "lifecycle"
  | "operation"
  | "check";

/** Every kind, for validating query parameters. */
export const EXECUTION_KINDS: readonly ExecutionKind[] = [
  "action",
  "filter",
  "gate",
  "route",
  "cron",
  "task",
  "command",
  "lifecycle",
  "operation",
  "check",
];

/**
 * How a call ended: `ok`; `error` (the handler threw or answered badly); `timeout`; `crashed`
 * (the plugin's process died during it); `cancelled`; `interrupted` (the daemon stopped meanwhile).
 */
export type ExecutionStatus = "ok" | "error" | "timeout" | "crashed" | "cancelled" | "interrupted";

/** Every status, for validating query parameters. */
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  "ok",
  "error",
  "timeout",
  "crashed",
  "cancelled",
  "interrupted",
];

/** What the caller of a plugin knows about one call, before it runs. */
export interface CallFacts {
  plugin: string;
  kind: ExecutionKind;
  name: string;
  /** The tenant the call ran for. @default null */
  tenant?: string | null;
  /** 1 for the first try. @default 1 */
  attempt?: number;
  eventId?: string;
  taskId?: string;
  /** Who asked for it (`token:<id>`, `socket`, `daemon`). */
  actor?: string;
  /** What the handler received (previewed, secrets redacted). */
  input?: unknown;
  /** Kind-specific facts kept as they are (small, no secrets): e.g. an addon's exit code. */
  detail?: Record<string, unknown>;
}

/** How the call ended. */
export interface CallOutcome {
  status: ExecutionStatus;
  /** When it started, ms since the epoch. */
  startedAt: number;
  durationMs: number;
  /** What the handler answered (previewed, secrets redacted). */
  output?: unknown;
  error?: string;
}

/** One record as the API answers it (`GET /v1/executions`). */
export interface ExecutionRecord {
  id: number;
  plugin: string;
  kind: ExecutionKind;
  name: string;
  tenant: string | null;
  status: ExecutionStatus;
  attempt: number;
  started_at: string;
  duration_ms: number | null;
  error: string | null;
  /** Size-capped JSON text of the input, secrets shown as `********`. */
  input: string | null;
  output: string | null;
  event_id: string | null;
  task_id: string | null;
  actor: string | null;
  detail: Record<string, unknown> | null;
}
