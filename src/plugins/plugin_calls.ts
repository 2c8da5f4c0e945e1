/**
 * Calls into plugins as the rest of the daemon makes them: through the supervisor, each one
 * counted in the metrics, recorded (execution record and usage rollups) and, when it fails,
 * logged in the plugin's log.
 */
import { type CallFacts, type ExecutionRecorder, statusOf } from "../executions/mod.ts";
import type { CallKind, InvokeOptions, OwnCall, Supervisor, TenantCall } from "../runtime/mod.ts";
import { callFailedLine, type LogRings } from "./log_ring.ts";
import { measuredCall } from "./plugin_metrics.ts";

/** What the caller tells the record beyond plugin, kind and name (all optional). */
export type RecordFacts = Omit<CallFacts, "plugin" | "kind" | "name">;

/** Options of one call: the runtime's, the tenant, and what its execution record says. */
export interface CallOptions extends Omit<InvokeOptions, "tenant"> {
  /** Attempt, event or task id, actor; `input` replaces the payload in the preview. */
  record?: RecordFacts;
  /**
   * The tenant the call is for: the handler gets it as `ctx.tenant` with the tenant's config and
   * storage, and the record names it. Refused when the plugin does not run for it.
   */
  tenant?: string | null;
}

/** What {@linkcode invokeRecorded} needs. */
export interface CallDeps {
  supervisor: Supervisor;
  executions: ExecutionRecorder;
  logs: LogRings;
  /** What a call for `tenant` carries (its config), or null when tenants are not in use. */
  tenantCall?: (tenant: string) => Promise<TenantCall | null>;
}

/** Calls that are not recorded: health checks run every few seconds and say nothing new. */
const UNRECORDED = new Set<CallKind>(["health"]);

/** Calls a handler, starting the plugin on demand; records the call however it ends. */
export async function invokeRecorded(
  deps: CallDeps,
  call: { id: string; kind: CallKind; name: string; payload: unknown },
  options: CallOptions = {},
): Promise<unknown> {
  const { record, tenant: tenantId, ...callOptions } = options;
  const { id, kind, name, payload } = call;
  if (tenantId && !deps.tenantCall) {
    throw new TypeError("a call for a tenant needs deps.tenantCall");
  }
  const tenantCall = tenantId ? await deps.tenantCall!(tenantId) : null;
  const tenant = tenantCall?.id;
  const invokeOptions = tenantCall ? { ...callOptions, tenant: tenantCall } : callOptions;
  const startedAt = Date.now();
  const started = performance.now();
  const run = () => deps.supervisor.invoke(id, kind, name, payload, invokeOptions);
  const facts = (): CallFacts => ({
    plugin: id,
    kind: kind as CallFacts["kind"],
    name,
    ...record,
    ...(tenant ? { tenant } : {}),
    input: record && "input" in record ? record.input : payload,
  });
  try {
    const value = await measuredCall({ id, kind, name }, run);
    if (!UNRECORDED.has(kind)) {
      deps.executions.record(facts(), {
        status: "ok",
        startedAt,
        durationMs: performance.now() - started,
        output: value,
      });
    }
    return value;
  } catch (error) {
    deps.logs.push(id, callFailedLine(kind, name, error));
    // A call refused before it reached the plugin (failed, restarting, queue full) ran nothing.
    const name_ = (error as Error)?.name;
    if (
      !UNRECORDED.has(kind) && name_ !== "PluginUnavailableError" && name_ !== "PluginStartError"
    ) {
      deps.executions.record(facts(), {
        status: statusOf(error),
        startedAt,
        durationMs: performance.now() - started,
        error: (error as Error)?.message ?? String(error),
      });
    }
    throw error;
  }
}

/** Records a call the supervisor made itself (`onEnable` after a start). */
export function recordOwnCall(executions: ExecutionRecorder, id: string, call: OwnCall): void {
  executions.record({ plugin: id, kind: call.kind, name: call.name }, {
    status: call.error === undefined ? "ok" : statusOf(call.error),
    startedAt: call.startedAt,
    durationMs: call.durationMs,
    error: call.error === undefined ? undefined : String((call.error as Error)?.message),
  });
}
