/**
 * Frames between `@plugd/sdk/testing` (in the test process) and the plugd test harness (a
 * process of the installed plugd): NDJSON on the harness's stdin and stdout. Private to the SDK
 * and the harness.
 * @module
 */

/** Calls of the test process. */
export type HarnessRequest =
  & { id: number }
  & (
    | { op: "start"; dir: string; options: Record<string, unknown> }
    | { op: "emit"; type: string; data?: unknown; tenant?: string | null }
    | { op: "filter" | "gate"; name: string; data: unknown; tenant?: string | null }
    | {
      op: "route";
      method: string;
      path: string;
      headers: [string, string][];
      body?: string;
    }
    | { op: "cron"; name: string }
    | { op: "command"; name: string; args: string[] }
    | { op: "cancel"; target: number }
    | { op: "stats" }
    | { op: "db"; sql: string; args?: unknown; tenant?: string | null }
    | { op: "stop" }
  );

/** A plain error as it crosses the pipe (with the start failure's reason, if any). */
export interface HarnessError {
  name: string;
  message: string;
  reason?: string;
}

/** Answers and events of the harness. */
export type HarnessFrame =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: HarnessError }
  | { ev: "log"; line: unknown }
  | { ev: "out"; id: number; chunk: string }
  | {
    ev: "storage";
    pluginId: string;
    /** The tenant whose storage changed (absent: the plugin's own). */
    tenant?: string;
    key: string;
    value?: unknown;
    deleted?: boolean;
  }
  | {
    ev: "emitted";
    event: { pluginId: string; type: string; data: unknown; id: string; tenant: string | null };
  };

/** The harness protocol version; both sides must agree. */
export const HARNESS_PROTOCOL = 1;
