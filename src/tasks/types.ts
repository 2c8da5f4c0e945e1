/** Types of tasks (issue 15). */

/**
 * Where a task is: `queued` (waiting for its first try or a retry), `running`, `succeeded`,
 * `failed` (the processor refused it for good: it threw a `PermanentTaskError`), `cancelled`,
 * `dead` (its last retry failed too). The last four are final.
 */
export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "dead";

/** Every status, for validating query parameters. */
export const TASK_STATUSES: readonly TaskStatus[] = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "dead",
];

/** Statuses a task never leaves. */
export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "dead",
]);

/** How one attempt ended (`interrupted`: the daemon stopped or crashed during it). */
export type AttemptStatus =
  | "ok"
  | "error"
  | "timeout"
  | "crashed"
  | "cancelled"
  | "interrupted";

/** One attempt, as `attempts` in `GET /v1/tasks/{id}` shows it. */
export interface TaskAttempt {
  attempt: number;
  status: AttemptStatus;
  started_at: string;
  duration_ms: number | null;
  error?: string;
}

/** `GET /v1/tasks/{id}`. */
export interface TaskView {
  id: string;
  type: string;
  plugin: string | null;
  tenant: string | null;
  status: TaskStatus;
  priority: number;
  idempotency_key: string | null;
  input: unknown;
  result: unknown;
  error: string | null;
  progress: { fraction: number; message: string | null } | null;
  attempts: TaskAttempt[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** When the next retry is due (queued after a failed attempt), else null. */
  next_attempt_at: string | null;
  /** `fleet` for a task of a `fleet: true` type in a fleet (absent for local tasks). */
  scope?: "fleet";
  /** Fleet tasks: the host that runs it or ran it last (null while queued for the first time). */
  host?: string | null;
  /** Fleet tasks: the host that accepted it. */
  accepted_by?: string;
}

/**
 * A task refused or asked about in a way that cannot be met; `status` maps to HTTP (503: a fleet
 * task cannot be reached while NATS is away).
 */
export class TaskError extends Error {
  override name = "TaskError";
  readonly status: 400 | 404 | 409 | 503;
  constructor(status: 400 | 404 | 409 | 503, message: string) {
    super(message);
    this.status = status;
  }
}
