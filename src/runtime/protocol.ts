/** Host side of the plugin protocol: validation of untrusted child frames (docs/protocol.md). */
import {
  CALL_KINDS,
  type ChildFrame,
  type HandlerSet,
  HOST_OPS,
  type HostOp,
  LOG_LEVELS,
  type LogLevel,
  MAX_OUT_CHUNK,
} from "./shim/wire.ts";

export {
  CALL_KINDS,
  type CallKind,
  type ChildFrame,
  type CommandPayload,
  type HandlerSet,
  HOST_OPS,
  type HostFrame,
  type HostOp,
  LIFECYCLE_HOOKS,
  LOG_LEVELS,
  type LogLevel,
  MAX_FRAME_BYTES,
  MAX_OUT_CHUNK,
  PROTOCOL_VERSION,
  type RoutePayload,
  type RouteResult,
  type WireError,
} from "./shim/wire.ts";

const MAX_NAME = 256;
const MAX_HANDLERS = 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
}

function isNameList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= MAX_HANDLERS &&
    v.every((s) => typeof s === "string" && s.length > 0 && s.length <= MAX_NAME);
}

function validHandlers(v: unknown): HandlerSet | undefined {
  if (!isRecord(v)) return undefined;
  const keys = [
    "actions",
    "filters",
    "gates",
    "routes",
    "cron",
    "lifecycle",
    "commands",
    "tasks",
  ] as const;
  const out: Partial<HandlerSet> = {};
  for (const k of keys) {
    const list = v[k] ?? [];
    if (!isNameList(list)) return undefined;
    out[k] = [...list];
  }
  return out as HandlerSet;
}

function validError(v: unknown): { name: string; message: string } | undefined {
  if (!isRecord(v) || typeof v.name !== "string" || typeof v.message !== "string") return undefined;
  return { name: v.name.slice(0, MAX_NAME), message: v.message.slice(0, 8192) };
}

/**
 * Validate one decoded JSON value from a child against the protocol schema.
 * Returns the typed frame, or `undefined` when it is not a valid frame (the caller logs it).
 *
 * @example
 * ```ts
 * validateChildFrame({ t: "ready" }); // { t: "ready" }
 * validateChildFrame({ t: "result", id: "x" }); // undefined
 * ```
 */
export function validateChildFrame(v: unknown): ChildFrame | undefined {
  if (!isRecord(v) || typeof v.t !== "string") return undefined;
  switch (v.t) {
    case "hello": {
      const handlers = validHandlers(v.handlers);
      if (typeof v.protocol !== "number" || typeof v.sdk !== "string" || !handlers) {
        return undefined;
      }
      return { t: "hello", protocol: v.protocol, sdk: v.sdk.slice(0, 64), handlers };
    }
    case "ready":
      return { t: "ready" };
    case "result": {
      if (!isId(v.id)) return undefined;
      // The decoded frame itself (no copy per call): only `id`, `ok` and `value` are read.
      if (v.ok === true) return v as ChildFrame;
      const error = validError(v.error);
      if (v.ok === false && error) return { t: "result", id: v.id, ok: false, error };
      return undefined;
    }
    case "host":
      if (!isId(v.id) || !(HOST_OPS as readonly unknown[]).includes(v.op)) return undefined;
      return { t: "host", id: v.id, op: v.op as HostOp, args: v.args };
    case "out":
      if (!isId(v.id) || typeof v.data !== "string" || v.data.length > MAX_OUT_CHUNK) {
        return undefined;
      }
      return { t: "out", id: v.id, data: v.data };
    case "log": {
      if (!(LOG_LEVELS as readonly unknown[]).includes(v.level) || typeof v.msg !== "string") {
        return undefined;
      }
      const fields = isRecord(v.fields) ? v.fields : undefined;
      return { t: "log", level: v.level as LogLevel, msg: v.msg, ...(fields ? { fields } : {}) };
    }
    default:
      return undefined;
  }
}

/**
 * Parse one NDJSON line from a child: JSON, then schema. Non-JSON or invalid frames → `undefined`.
 */
export function parseChildLine(line: string): ChildFrame | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return validateChildFrame(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/**
 * Compare the handlers a module declares with those the manifest expects.
 * Returns one message per difference (empty when they match). Lifecycle hooks are not compared.
 */
export function compareHandlers(expected: HandlerSet, actual: HandlerSet): string[] {
  const problems: string[] = [];
  const labels: Record<keyof HandlerSet, string> = {
    actions: "action",
    filters: "filter",
    gates: "gate",
    routes: "route",
    cron: "cron job",
    lifecycle: "lifecycle hook",
    commands: "command",
    tasks: "task",
  };
  const keys = ["actions", "filters", "gates", "routes", "cron", "commands", "tasks"] as const;
  for (const k of keys) {
    const want = new Set(expected[k] ?? []);
    const have = new Set(actual[k] ?? []);
    for (const n of want) {
      if (!have.has(n)) {
        problems.push(
          `${labels[k]} "${n}" is declared in plugin.yaml but the module does not define it in ` +
            `definePlugin({ ${k}: { ... } })`,
        );
      }
    }
    for (const n of have) {
      if (!want.has(n)) {
        problems.push(
          `${labels[k]} "${n}" is defined by the module but not declared in plugin.yaml; ` +
            `declare it or remove it`,
        );
      }
    }
  }
  return problems;
}

/** Check a log level string, defaulting unknown ones to `info`. */
export function toLogLevel(v: unknown): LogLevel {
  return (LOG_LEVELS as readonly unknown[]).includes(v) ? v as LogLevel : "info";
}

/** Whether `kind` is a valid call kind. */
export function isCallKind(kind: unknown): kind is (typeof CALL_KINDS)[number] {
  return (CALL_KINDS as readonly unknown[]).includes(kind);
}
