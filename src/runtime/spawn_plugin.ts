/** One process of a registered plugin: integrity check, launch plan, start and handshake. */
import { type CpuBudget, cpuBudgetCheck } from "./cpu_budget.ts";
import { PluginStartError } from "./errors.ts";
import { PluginProcess } from "./plugin_process.ts";
import type { Runner } from "./runner.ts";
import type { Started } from "./standby_pool.ts";
import type { PluginSpec } from "./supervisor_types.ts";
import type { DeniedAttempt, HostHandler, LogLine } from "./types.ts";

/** What {@linkcode spawnPlugin} starts a process with (the supervisor's options and hooks). */
export interface SpawnDeps {
  runner: Runner;
  hostHandler: HostHandler;
  readyTimeoutMs: number;
  /** False or a throw: the start fails as "integrity". @default none */
  verifyIntegrity?: (pluginId: string) => Promise<boolean>;
  onLog: (line: LogLine) => void;
  onDenied: (attempt: DeniedAttempt) => void;
}

/**
 * Starts a process of `spec` ready for calls (the running one, or a standby). Throws
 * `PluginStartError`: "integrity" when its files changed since install, else the start's reason.
 *
 * @example
 * ```ts
 * const { proc, plan } = await spawnPlugin(spec, { runner, hostHandler, readyTimeoutMs: 10_000, onLog, onDenied });
 * ```
 */
export async function spawnPlugin(spec: PluginSpec, deps: SpawnDeps): Promise<Started> {
  const id = spec.id;
  // The check runs once the process is spawned, while it starts (~25 ms before it can connect):
  // the host sends init only once it passed, and the shim loads the plugin's entry only after
  // init. Not before the spawn: beside the launch plan it shared the event loop and slowed both.
  const check = deps.verifyIntegrity;
  let verified: Promise<void> | undefined;
  const verify = (): Promise<void> =>
    verified ??= (check ? check(id).catch(() => false) : Promise.resolve(true)).then((ok) => {
      if (!ok) {
        throw new PluginStartError(
          id,
          "integrity",
          "its files changed since install (digest mismatch); reinstall it from a trusted source",
        );
      }
    });
  try {
    const plan = await spec.plan();
    const proc = await PluginProcess.start({
      pluginId: id,
      version: spec.version,
      plan,
      runner: deps.runner,
      expectedHandlers: spec.expectedHandlers,
      config: spec.config,
      hostHandler: deps.hostHandler,
      onLog: deps.onLog,
      onDenied: deps.onDenied,
      readyTimeoutMs: deps.readyTimeoutMs,
      timeoutMs: spec.limits.timeout_ms,
      concurrency: spec.limits.concurrency,
      initGate: check ? verify : undefined,
    });
    return { proc, plan };
  } catch (e) {
    await verify(); // changed files are the reason, whatever else failed meanwhile
    throw e;
  }
}

/**
 * Without a cgroup cpu quota (`rlimit` caps), a standby that burns more than the CPU budget
 * while it waits is stopped, as a running plugin would be restarted; once `handedOver()`, the
 * running plugin's own check takes over.
 */
export function watchStandbyCpu(
  started: Started,
  budget: CpuBudget | null,
  handedOver: () => boolean,
  log: (message: string) => void,
): void {
  const { proc, plan } = started;
  if (!budget || plan.cpuQuota) return;
  const check = cpuBudgetCheck(proc, budget, (msg) => {
    log(`standby process stopped: ${msg.replace("; restarting", "")}`);
    proc.kill("cpu_budget");
  });
  const timer = setInterval(
    () => handedOver() ? clearInterval(timer) : void check(),
    budget.windowMs,
  );
  proc.exited.finally(() => clearInterval(timer));
}
