/**
 * One contract call, start to end: the launch plan of the operation (bash in the addon's sandbox,
 * config in its secret arguments file), the process run with its timeout and output caps, every
 * line redacted, and the finished execution record. Never throws for what the script does.
 */
import type { AddonOperation, ExecutionKind, ExecutionRecord } from "./types.ts";
import type { Config, StateLayout } from "../config/mod.ts";
import {
  addonPlan,
  hiddenPaths,
  type LogRings,
  type PluginConfigs,
  pluginPaths,
  type PluginRecord,
  type PluginRuntime,
} from "../plugins/mod.ts";
import { type AddonRunResult, runAddon, type Runner } from "../runtime/mod.ts";
import { addonConfigEnv, redactor } from "./config_env.ts";
import type { LiveExecution } from "./live_execution.ts";

/** Operations whose stdout is one JSON document (kept as the record's `result`). */
export const JSON_OPERATIONS: readonly AddonOperation[] = [
  "metadata",
  "validate",
  "status",
  "health",
  "metrics",
];

/** What a call needs from the daemon. */
export interface CallDeps {
  config: Config;
  layout: StateLayout;
  runtime: PluginRuntime;
  configs: PluginConfigs;
  logs: LogRings;
  runner: Runner;
  /** Bytes of each output stream kept in the record. */
  maxOutputBytes: number;
}

/** One call to make. */
export interface CallInput {
  id: string;
  plugin: PluginRecord;
  op: AddonOperation;
  args: string[];
  kind: ExecutionKind;
  actor: string;
  live?: LiveExecution;
  signal?: AbortSignal;
}

/** The record of a call that has just started. */
export function runningRecord(
  input: CallInput,
  statusBefore: ExecutionRecord["status_before"],
): ExecutionRecord {
  const record: ExecutionRecord = {
    id: input.id,
    plugin: input.plugin.id,
    kind: input.kind,
    name: input.op,
    status: "running",
    actor: input.actor,
    started_at: new Date().toISOString(),
    finished_at: null,
    duration_ms: null,
    error: null,
    result: null,
    plugin_version: input.plugin.version,
    args: input.args,
    exit_code: null,
    signal: null,
    stdout: "",
    stderr: "",
    stdout_bytes: 0,
    stderr_bytes: 0,
    truncated: false,
    status_before: statusBefore,
    status_after: null,
  };
  return record;
}

/** Runs the call of `record` and returns the record finished (status, output, result, error). */
export async function runCall(
  deps: CallDeps,
  input: CallInput,
  record: ExecutionRecord,
): Promise<ExecutionRecord> {
  const { plugin, op } = input;
  const finish = (patch: Partial<ExecutionRecord>): ExecutionRecord => {
    const now = new Date();
    // From the record's start: a wait for the addon's previous call counts too.
    return {
      ...record,
      finished_at: now.toISOString(),
      duration_ms: Math.max(0, now.getTime() - Date.parse(record.started_at)),
      ...patch,
    };
  };
  let result: AddonRunResult;
  try {
    const paths = pluginPaths(deps.layout, deps.config, plugin.id, plugin.version);
    const plain = await deps.configs.plain(plugin);
    const env = addonConfigEnv(plain, await deps.configs.redacted(plugin.id));
    const plan = addonPlan(plugin, deps.runtime, paths, {
      args: [op, ...input.args],
      values: env.values,
      hidden: await hiddenPaths(paths),
      uid: await deps.runtime.uids?.uidOf(plugin.id),
    });
    const seconds = plugin.manifest.operations?.[op]?.timeout_s ?? 30;
    result = await runAddon(plan, {
      runner: deps.runner,
      stdin: env.json + "\n",
      timeoutMs: seconds * 1000,
      maxOutputBytes: deps.maxOutputBytes,
      redact: redactor(env.secrets),
      signal: input.signal,
      onLine: (stream, line) => {
        input.live?.push({ type: "output", stream, line });
        if (input.kind !== "operation") return;
        deps.logs.push(plugin.id, {
          ts: Date.now(),
          stream,
          level: stream === "stderr" ? "warn" : "info",
          msg: line,
          fields: { operation: op, execution: record.id },
        });
      },
      onProgress: (percent, message) => input.live?.push({ type: "progress", percent, message }),
    });
    if (result.timedOut) {
      return finish({ ...output(result), status: "timeout", error: timeoutText(op, seconds) });
    }
  } catch (error) {
    // The sandbox could not start it (no bubblewrap, a grant the host refuses, ...).
    return finish({ status: "failed", error: `could not start: ${(error as Error).message}` });
  }
  if (result.aborted) {
    return finish({ ...output(result), status: "interrupted", error: "interrupted: cancelled" });
  }
  if (result.code !== 0) {
    return finish({ ...output(result), status: "failed", error: failureText(op, result) });
  }
  if (!JSON_OPERATIONS.includes(op)) return finish({ ...output(result), status: "succeeded" });
  const text = result.stdout.trim();
  try {
    return finish({ ...output(result), status: "succeeded", result: JSON.parse(text) });
  } catch {
    return finish({
      ...output(result),
      status: "failed",
      error: `addon_${op} exited 0 but printed ${text ? "output that is not" : "no"} JSON`,
    });
  }
}

function output(r: AddonRunResult): Partial<ExecutionRecord> {
  return {
    exit_code: r.code,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    stdout_bytes: r.stdoutBytes,
    stderr_bytes: r.stderrBytes,
    truncated: r.truncated,
  };
}

function timeoutText(op: AddonOperation, seconds: number): string {
  return `addon_${op} did not finish within ${seconds} s and was killed; raise ` +
    `operations.${op}.timeout_s in plugin.yaml if it is legitimately slow`;
}

function failureText(op: AddonOperation, r: AddonRunResult): string {
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const how = r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`;
  return `addon_${op} ${how}${last ? `: ${last.slice(0, 500)}` : ""}`;
}
