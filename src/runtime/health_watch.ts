/**
 * Health alerting for one plugin: counts failed `health()` checks in a row (an `unhealthy` answer,
 * an invalid one, an error or no answer in time), turns the plugin `degraded` after
 * `degradedAfter` of them, asks for a restart after `restartAfter`, and reports the recovery at
 * the first healthy answer after that. It outlives the plugin's processes, so a restart does not
 * hide a degradation: the plugin is recovered when a check passes, not when it starts.
 */

import type { OwnCall } from "./supervisor_types.ts";

/** When failed health checks degrade and restart a plugin. */
export interface HealthPolicy {
  /** Checks in a row that make the plugin degraded. @default 3 */
  degradedAfter: number;
  /** Checks in a row that restart it (at least `degradedAfter`). @default 5 */
  restartAfter: number;
}

/** Defaults of {@linkcode HealthPolicy}. */
export const HEALTH_POLICY: HealthPolicy = { degradedAfter: 3, restartAfter: 5 };

/** What a watch reports. */
export interface HealthChange {
  change: "degraded" | "recovered" | "restart";
  /** Why the last check failed (degraded, restart), or how long it was degraded (recovered). */
  reason: string;
  /** Failed checks in a row. */
  failures: number;
}

/** Health as the plugin list shows it. */
export interface HealthView {
  /** The last answer to `health()`, or `{status: "unhealthy", error}` when it gave none. */
  last: unknown;
  at: number;
  failures: number;
  /** Since when it is degraded (ms), or null. */
  degradedSince: number | null;
}

/**
 * Why an answer to `health()` is a failure, or null when it is healthy: `healthy` and `degraded`
 * (the plugin's own "working, but ...") pass; `unhealthy` and anything else fail.
 *
 * @example
 * ```ts
 * healthProblem({ status: "unhealthy", message: "db down" }); // 'answered unhealthy: db down'
 * ```
 */
export function healthProblem(answer: unknown): string | null {
  const a = answer as { status?: unknown; message?: unknown } | null;
  const status = a?.status;
  if (status === "healthy" || status === "degraded") return null;
  const message = typeof a?.message === "string" ? `: ${a.message.slice(0, 200)}` : "";
  if (status === "unhealthy") return `answered unhealthy${message}`;
  return `answered ${JSON.stringify(answer)?.slice(0, 200)} (not {status: healthy|degraded})`;
}

/** What a check needs of a process. */
interface Checked {
  readonly ready: boolean;
  invoke(
    kind: "health",
    name: string,
    payload: unknown,
    o: { timeoutMs: number },
  ): Promise<unknown>;
}

/**
 * Calls lifecycle hook `name` in `proc` and reports how it ended to `report` (execution records of
 * the calls the supervisor makes itself); rethrows a failure.
 */
export async function ownCall(
  proc: { invoke(kind: "lifecycle", name: string, payload: unknown): Promise<unknown> },
  name: string,
  report: (call: OwnCall) => void,
): Promise<void> {
  const startedAt = Date.now();
  try {
    await proc.invoke("lifecycle", name, undefined);
    report({ kind: "lifecycle", name, startedAt, durationMs: Date.now() - startedAt });
  } catch (error) {
    report({ kind: "lifecycle", name, startedAt, durationMs: Date.now() - startedAt, error });
    throw error;
  }
}

/** See the module doc. */
export class HealthWatch {
  #policy: HealthPolicy;
  #report: (change: HealthChange) => void;
  #view: HealthView | null = null;
  #failures = 0;
  #degradedSince: number | null = null;

  constructor(policy: Partial<HealthPolicy>, report: (change: HealthChange) => void) {
    this.#policy = { ...HEALTH_POLICY, ...policy };
    const { degradedAfter, restartAfter } = this.#policy;
    if (!Number.isInteger(degradedAfter) || degradedAfter < 1 || restartAfter < degradedAfter) {
      throw new RangeError(
        `health policy needs 1 <= degradedAfter <= restartAfter; got ${degradedAfter}, ${restartAfter}`,
      );
    }
    this.#report = report;
  }

  /** The last check, or null before the first. */
  get view(): HealthView | null {
    return this.#view;
  }

  /** The part of the plugin's statistics this watch knows. */
  stats(): { lastHealth: unknown; healthFailures: number; degradedSince: number | null } {
    const v = this.#view;
    return {
      lastHealth: v?.last,
      healthFailures: v?.failures ?? 0,
      degradedSince: v?.degradedSince ?? null,
    };
  }

  /** Whether the plugin is degraded now. */
  get degraded(): boolean {
    return this.#degradedSince !== null;
  }

  /**
   * Asks the current process (`current()`) for its health and observes the answer; `onError`
   * sees every failed call. An exit during the check is a crash (handled as one, not counted);
   * no answer in time is a failed check.
   */
  check(
    current: () => Checked | undefined,
    timeoutMs: number,
    onError: (error: unknown) => void,
  ): void {
    const proc = current();
    if (!proc?.ready) return;
    proc.invoke("health", "health", undefined, { timeoutMs }).then(
      (answer) => this.observe({ answer }),
      (error) => {
        onError(error);
        if (current() === proc || (error as Error)?.name === "PluginTimeoutError") {
          this.observe({ error });
        }
      },
    );
  }

  /** Records a check: its answer, or the error it failed with. */
  observe(outcome: { answer: unknown } | { error: unknown }, now = Date.now()): void {
    const problem = "answer" in outcome
      ? healthProblem(outcome.answer)
      : `did not answer: ${(outcome.error as Error)?.message ?? outcome.error}`;
    this.#failures = problem === null ? 0 : this.#failures + 1;
    this.#view = {
      last: "answer" in outcome
        ? outcome.answer
        : { status: "unhealthy", error: problem!.slice("did not answer: ".length) },
      at: now,
      failures: this.#failures,
      degradedSince: this.#degradedSince,
    };
    if (problem === null) {
      if (this.#degradedSince !== null) {
        const seconds = Math.round((now - this.#degradedSince) / 100) / 10;
        this.#degradedSince = this.#view.degradedSince = null;
        this.#report({
          change: "recovered",
          reason: `healthy again after ${seconds} s`,
          failures: 0,
        });
      }
      return;
    }
    const { degradedAfter, restartAfter } = this.#policy;
    if (this.#failures >= degradedAfter && this.#degradedSince === null) {
      this.#degradedSince = this.#view.degradedSince = now;
      this.#report({ change: "degraded", reason: problem, failures: this.#failures });
    }
    if (this.#failures >= restartAfter) {
      this.#report({ change: "restart", reason: problem, failures: this.#failures });
      this.#failures = 0; // the next process gets its own count
    }
  }
}
