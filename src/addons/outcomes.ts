/**
 * What happens around each call: the record and the addon's state written together, the audit
 * trail of operations, metrics, `plugin.degraded`/`plugin.recovered` events, the status check
 * after an operation that changes the installation, the periodic checks, and the recovery of
 * calls a stopped daemon left `running`.
 */
import { auditStatement } from "../audit/mod.ts";
import type { PluginRecord, SystemEventSink } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import { recordCall, recordReported, recordState } from "./addon_metrics.ts";
import { addonStateStatement, initialAddonState, readAddonState } from "./addon_state.ts";
import { pruneChecksStatement, runningExecutions, saveExecutionStatement } from "./executions.ts";
import type { LiveExecution } from "./live_execution.ts";
import { type CallDeps, type CallInput, runCall, runningRecord } from "./run_call.ts";
import {
  afterFailure,
  afterHealthReport,
  afterStatusReport,
  afterSuccess,
  changesInstallation,
  isTransitional,
  parseHealthReport,
  parseStatusReport,
  statusWhileRunning,
} from "./transitions.ts";
import type { AddonOperation, AddonState, ExecutionRecord } from "./types.ts";

/** Checks kept per addon (operations are all kept). */
const KEEP_CHECKS = 200;

/** What {@linkcode ChecksAndOutcomes} works with. */
export interface OutcomeDeps {
  store: Store;
  deps: CallDeps;
  events: SystemEventSink;
  log: (message: string) => void;
  /** The operations a plugin's script defines. */
  offered: (plugin: PluginRecord) => Promise<AddonOperation[]>;
}

const bad = (s: AddonState) =>
  s.status === "degraded" || s.health === "unhealthy" || s.health === "degraded";

/** Runs calls and settles what follows from them. */
export class ChecksAndOutcomes {
  #d: OutcomeDeps;
  #metricNames = new Map<string, string[]>();

  constructor(deps: OutcomeDeps) {
    this.#d = deps;
  }

  /**
   * Runs an operation whose running record is stored, then settles it. Resolves with whether a
   * status check should follow (see {@linkcode statusAfter}); the record is final by then.
   */
  async operate(
    input: CallInput,
    record: ExecutionRecord,
    o: { live: LiveExecution; signal: AbortSignal },
  ): Promise<boolean> {
    const { plugin, op } = input;
    const offered = await this.#d.offered(plugin);
    let final: ExecutionRecord | undefined;
    if (op === "install" && offered.includes("validate")) {
      const check = await this.#call(plugin, "validate", input.actor, "operation", o.signal);
      const why = validationProblem(check);
      if (why) {
        const ms = Date.parse(check.finished_at ?? "") - Date.parse(record.started_at);
        final = { ...record, status: "failed", error: why, finished_at: check.finished_at };
        final.duration_ms = Number.isFinite(ms) ? ms : null;
      }
    }
    final ??= await runCall(this.#d.deps, { ...input, live: o.live, signal: o.signal }, record);
    if (final.status === "succeeded" && op === "validate") {
      const why = validationProblem(final);
      if (why) final = { ...final, status: "failed", error: why };
    }
    if (final.status === "interrupted") final.error = `interrupted: ${String(o.signal.reason)}`;
    const before = record.status_before ?? "not_installed";
    const state = await this.#settle(plugin, final, (s, at) => {
      if (final!.status !== "succeeded") {
        return changesInstallation(op) ? afterFailure(s, `${op} ${final!.error}`, at) : s;
      }
      return this.#apply(s, final!, at) ?? afterSuccess(s, op, before, at);
    }, true);
    o.live.finish({ ...final, status_after: state.status });
    return final.status === "succeeded" && changesInstallation(op) && offered.includes("status");
  }

  /** The status check after an operation that changed the installation. */
  async statusAfter(plugin: PluginRecord, signal: AbortSignal): Promise<void> {
    await this.#call(plugin, "status", "daemon", "check", signal);
  }

  /** The periodic checks: status, then health and metrics when the script has them. */
  async check(plugin: PluginRecord, signal: AbortSignal): Promise<void> {
    const offered = await this.#d.offered(plugin);
    for (const op of ["status", "health", "metrics"] as const) {
      if (!offered.includes(op) || signal.aborted) continue;
      await this.#call(plugin, op, "daemon", "check", signal);
    }
  }

  /** Settles the calls a previous daemon left running: `interrupted`, never stuck. */
  async recoverInterrupted(): Promise<void> {
    for (const rec of await runningExecutions(this.#d.store)) {
      const at = new Date().toISOString();
      const error = `interrupted: the daemon stopped during addon_${rec.name}`;
      const state = await readAddonState(this.#d.store, rec.plugin);
      const moving = state && statusWhileRunning(rec.name) === state.status;
      const next = state && moving
        ? afterFailure(state, `${rec.name} was interrupted (the daemon stopped); run it again`, at)
        : state;
      const final: ExecutionRecord = {
        ...rec,
        status: "interrupted",
        error,
        finished_at: at,
        duration_ms: Date.parse(at) - Date.parse(rec.started_at),
        status_after: next?.status ?? null,
      };
      await this.#d.store.write(async () => ({
        statements: [
          saveExecutionStatement(final),
          ...(next ? [addonStateStatement(next)] : []),
          ...(rec.kind === "operation" ? [await this.#audit(final)] : []),
        ],
      }));
      this.#d.log(`addon ${rec.plugin}: ${rec.name} (execution ${rec.id}) ${error}`);
    }
  }

  /** Drops what is kept in memory about a removed addon. */
  forget(id: string): void {
    this.#metricNames.delete(id);
  }

  /** One recorded call with no one following it (checks, install's pre-flight validation). */
  async #call(
    plugin: PluginRecord,
    op: AddonOperation,
    actor: string,
    kind: "operation" | "check",
    signal: AbortSignal,
  ): Promise<ExecutionRecord> {
    const state = await readAddonState(this.#d.store, plugin.id) ?? initialAddonState(plugin.id);
    const input: CallInput = { id: crypto.randomUUID(), plugin, op, args: [], kind, actor, signal };
    const running = runningRecord(input, state.status);
    await this.#d.store.write(() => ({ statements: [saveExecutionStatement(running)] }));
    const final = await runCall(this.#d.deps, input, running);
    if (final.status === "interrupted") final.error = `interrupted: ${String(signal.reason)}`;
    await this.#settle(plugin, final, (s, at) => {
      const applied = final.status === "succeeded" ? this.#apply(s, final, at) : undefined;
      if (applied) return applied;
      // A failing check says the addon is not healthy; its status stays as it was.
      if (final.status === "failed" || final.status === "timeout") {
        const health = op === "metrics" ? s.health : "unknown" as const;
        return { ...s, health, message: final.error ?? "", checkedAt: at, updatedAt: at };
      }
      return s;
    }, kind === "operation");
    return final;
  }

  /**
   * The state a succeeded status/health/metrics call leads to (a report that is not one makes
   * the record failed); undefined for other operations.
   */
  #apply(s: AddonState, r: ExecutionRecord, at: string): AddonState | undefined {
    if (r.name === "status") {
      const report = parseStatusReport(r.result);
      if (typeof report === "string") return this.#invalid(s, r, report, at);
      // A failed operation stays visible until someone acts, and one under way shows its own
      // status (installing, ...) until it ends; periodic checks keep health fresh.
      if (r.kind === "check" && (s.status === "failed" || isTransitional(s.status))) {
        return { ...s, health: report.health ?? s.health, checkedAt: at, updatedAt: at };
      }
      return afterStatusReport(s, report, at);
    }
    if (r.name === "health") {
      const report = parseHealthReport(r.result);
      return typeof report === "string"
        ? this.#invalid(s, r, report, at)
        : afterHealthReport(s, report, at);
    }
    if (r.name === "metrics") {
      const names = recordReported(r.plugin, r.result, this.#metricNames.get(r.plugin) ?? []);
      this.#metricNames.set(r.plugin, names);
      return { ...s, checkedAt: at };
    }
    return undefined;
  }

  #invalid(s: AddonState, r: ExecutionRecord, why: string, at: string): AddonState {
    r.status = "failed";
    r.error = why;
    return { ...s, health: "unknown", message: why, checkedAt: at, updatedAt: at };
  }

  /** Writes the finished record and the state `next` computes, audits, counts, tells. */
  async #settle(
    plugin: PluginRecord,
    final: ExecutionRecord,
    next: (s: AddonState, at: string) => AddonState,
    audited: boolean,
  ): Promise<AddonState> {
    const at = final.finished_at ?? new Date().toISOString();
    let before = initialAddonState(plugin.id);
    let after = before;
    // Read under the write lock: an operation starting meanwhile (its status written in its own
    // write) is what `next` sees, never overwritten by a check's older read.
    await this.#d.store.write(async () => {
      before = await readAddonState(this.#d.store, plugin.id) ?? initialAddonState(plugin.id);
      after = next(before, at);
      final.status_after = after.status;
      return {
        statements: [
          saveExecutionStatement(final),
          addonStateStatement(after),
          ...(final.kind === "check" ? [pruneChecksStatement(plugin.id, KEEP_CHECKS)] : []),
          ...(audited ? [await this.#audit(final)] : []),
        ],
      };
    });
    recordCall(final);
    recordState(after);
    if (bad(after) !== bad(before)) {
      const type = bad(after) ? "plugin.degraded" : "plugin.recovered";
      await this.#d.events.emitSystemEvent(type, {
        plugin: plugin.id,
        status: after.status,
        health: after.health,
        message: after.message,
      }).catch((e) => this.#d.log(`addon ${plugin.id}: ${type} not emitted: ${e.message}`));
    }
    return after;
  }

  #audit(r: ExecutionRecord): ReturnType<typeof auditStatement> {
    return auditStatement(this.#d.store, {
      actor: r.actor,
      action: "plugin.operation",
      target: r.plugin,
      result: r.status,
      detail: {
        operation: r.name,
        execution: r.id,
        exit_code: r.exit_code,
        duration_ms: r.duration_ms,
        ...(r.error ? { error: r.error } : {}),
      },
    });
  }
}

/** Why a validate answer says no (seed 001: `{valid, errors, warnings}`), or undefined. */
function validationProblem(r: ExecutionRecord): string | undefined {
  if (r.status !== "succeeded") return `validation did not pass: ${r.error}`;
  const v = r.result as { valid?: unknown; errors?: unknown } | null;
  if (v?.valid !== false) return undefined;
  const errors = Array.isArray(v.errors) ? v.errors.map(String).join("; ") : "";
  return `validation failed${errors ? `: ${errors}` : ""}`;
}
