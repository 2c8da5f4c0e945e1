/**
 * Wire types of the plugd plugin protocol, version 1 (see docs/protocol.md).
 * Shared by the host (src/runtime) and the in-sandbox shim, so this file imports nothing.
 */

/** The protocol version both sides must speak. */
export const PROTOCOL_VERSION = 1;

/** Maximum bytes of one NDJSON line, newline excluded (1 MiB). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Kinds of host→child calls. */
export const CALL_KINDS = [
  "action",
  "filter",
  "gate",
  "route",
  "cron",
  "lifecycle",
  "health",
  "command",
  "task",
] as const;
/** A kind of host→child call. */
export type CallKind = typeof CALL_KINDS[number];

/** Operations a child may ask of the host. */
export const HOST_OPS = [
  "storage.get",
  "storage.set",
  "storage.delete",
  "storage.list",
  "emit",
  "metrics",
  "log",
  "denied",
  "db.execute",
  "db.batch",
  "db.begin",
  "db.commit",
  "db.rollback",
] as const;
/** An operation a child may ask of the host. */
export type HostOp = typeof HOST_OPS[number];

/** Log levels of `log` frames. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A log level. */
export type LogLevel = typeof LOG_LEVELS[number];

/** The SDK version this plugd provides (plugins built against another are checked at hello). */
export { SDK_VERSION } from "../../../sdk/version.ts";

/** Lifecycle hook names a plugin may implement (defined once, by the SDK). */
export { LIFECYCLE_HOOKS } from "../../../sdk/define_plugin.ts";

/** Handler names a plugin module declares in its hello frame. */
export interface HandlerSet {
  actions: string[];
  filters: string[];
  gates: string[];
  routes: string[];
  cron: string[];
  lifecycle: string[];
  /** Absent from SDKs older than commands; read as []. */
  commands?: string[];
  /** Absent from SDKs older than tasks; read as []. */
  tasks?: string[];
}

/** A plain error as it crosses the boundary. */
export interface WireError {
  name: string;
  message: string;
}

/** Child → host frames. */
export type ChildFrame =
  | { t: "hello"; protocol: number; sdk: string; handlers: HandlerSet }
  | { t: "ready" }
  | { t: "result"; id: number; ok: true; value?: unknown }
  | { t: "result"; id: number; ok: false; error: WireError }
  | { t: "host"; id: number; op: HostOp; args?: unknown }
  | { t: "out"; id: number; data: string }
  | { t: "log"; level: LogLevel; msg: string; fields?: Record<string, unknown> };

/** Host → child frames. */
export type HostFrame =
  | {
    t: "init";
    plugin: { id: string; version: string };
    config: Record<string, unknown>;
    paths: { data: string; tmp: string };
    /** Size limits of `$DATA` and `$TMP`, MiB (named in "no space left" errors). */
    quota?: { data_mb?: number; tmp_mb?: number };
  }
  | { t: "call"; id: number; kind: CallKind; name: string; payload?: unknown; tenant?: TenantCall }
  | { t: "host_result"; id: number; ok: true; value?: unknown }
  | { t: "host_result"; id: number; ok: false; error: WireError }
  | { t: "cancel"; id: number }
  | { t: "shutdown" };

/**
 * A call made for a tenant: the handler's `ctx.tenant` and `ctx.config` (the plugin's config with
 * the tenant's overrides). Host calls made through that ctx carry `call` (the call's id): the host
 * acts for the tenant of that call while it is in flight, and for nobody else.
 */
export interface TenantCall {
  id: string;
  config: Record<string, unknown>;
}

/** Payload of a `command` call: the arguments as the operator typed them. */
export interface CommandPayload {
  args: string[];
}

/** Payload of a `task` call. */
export interface TaskPayload {
  id: string;
  type: string;
  attempt: number;
  input: unknown;
  tenant?: string | null;
}

/** What a task's `out` frames carry: one progress report as JSON text. */
export interface TaskProgress {
  progress: number;
  message?: string;
}

/** Largest `data` of one `out` frame, in UTF-16 code units (escaping keeps the frame < 1 MiB). */
export const MAX_OUT_CHUNK = 64 * 1024;

/** Serialized HTTP request handed to a route handler. */
export interface RoutePayload {
  method: string;
  /** Path relative to the plugin's route prefix, beginning with `/`. */
  path: string;
  /** Query string without `?`, may be empty. */
  query: string;
  headers: [string, string][];
  /** The matched route's `:name` parameters, percent-decoded. @default {} */
  params?: Record<string, string>;
  /** Body as text or base64, per `bodyEncoding`; absent for no body. */
  body?: string;
  /** @default "text" */
  bodyEncoding?: "text" | "base64";
}

/** Serialized HTTP response returned by a route handler. */
export interface RouteResult {
  status: number;
  headers: [string, string][];
  /** Body, base64-encoded. */
  body: string;
  bodyEncoding: "base64";
}
