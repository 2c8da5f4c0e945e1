/** Types of the system-addon area: an addon's own status and its execution records. */
import type { AddonHealth, AddonOperation, AddonStatus } from "../manifest/mod.ts";

export type { AddonHealth, AddonOperation, AddonStatus };

/** What plugd knows of a system addon beside its plugd state (`addon_state`). */
export interface AddonState {
  pluginId: string;
  /** Installation status (seed 001): `not_installed`, `installing`, `installed`, ... */
  status: AddonStatus;
  health: AddonHealth;
  /** The last status message (the addon's, or why an operation failed). */
  message: string;
  /** The version `addon_status` reported (of the software it manages). */
  reportedVersion: string | null;
  /** `details` of the last status or health report. */
  details: Record<string, unknown>;
  /** When a status or health check last answered. */
  checkedAt: string | null;
  updatedAt: string;
}

/** How a call ended; `running` until then. `interrupted`: the daemon stopped meanwhile. */
export type ExecutionStatus = "running" | "succeeded" | "failed" | "timeout" | "interrupted";

/** `operation`: asked for by someone; `check`: plugd's own periodic status/health/metrics call. */
export type ExecutionKind = "operation" | "check";

/**
 * One execution record (API shape). The first fields are a general execution record's; the rest
 * are what a process run adds.
 */
export interface ExecutionRecord {
  id: string;
  plugin: string;
  kind: ExecutionKind;
  /** The operation, e.g. `install`. */
  name: AddonOperation;
  status: ExecutionStatus;
  /** Who asked (`token:<id>`, `socket`, `console:...`) or `daemon` for checks. */
  actor: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  /** Why it did not succeed. */
  error: string | null;
  /** The JSON the script printed, for operations that answer with JSON (status, health, ...). */
  result: unknown;
  plugin_version: string;
  args: string[];
  exit_code: number | null;
  signal: string | null;
  /** Output, newest part kept (secrets replaced by `********`). */
  stdout: string;
  stderr: string;
  /** Bytes produced in all, and whether older output was dropped. */
  stdout_bytes: number;
  stderr_bytes: number;
  truncated: boolean;
  /** The addon's status before and after the call. */
  status_before: AddonStatus | null;
  status_after: AddonStatus | null;
}
