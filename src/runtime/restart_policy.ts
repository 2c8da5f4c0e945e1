/** What follows a plugin's crash: a restart after an exponential backoff, or `failed` past its budget. */

/** The supervisor's crash budget and backoff (`SupervisorOptions`). */
export interface RestartPolicy {
  /** More than `restarts` crashes within `windowMs` fail the plugin. */
  crashBudget: { restarts: number; windowMs: number };
  /** The first restart waits `initialMs`, each next one twice as long, at most `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
}

/** The verdict on one crash: the crash times still in the window, and what to do. */
export type CrashVerdict =
  | { crashes: number[]; failed: string }
  | { crashes: number[]; restartInMs: number };

/**
 * Judges a crash at `now` given the earlier crash times: past the budget, `failed` with a reason
 * naming the fix; otherwise the backoff before the next start.
 *
 * @example
 * ```ts
 * const policy = { crashBudget: { restarts: 5, windowMs: 60_000 }, backoff: { initialMs: 500, maxMs: 30_000 } };
 * afterCrash("hello", [1_000], 2_000, "exited (exit code 1)", policy); // { crashes: [1000, 2000], restartInMs: 1000 }
 * ```
 */
export function afterCrash(
  pluginId: string,
  earlier: number[],
  now: number,
  reason: string,
  policy: RestartPolicy,
): CrashVerdict {
  const { restarts, windowMs } = policy.crashBudget;
  const crashes = [...earlier.filter((t) => now - t < windowMs), now];
  if (crashes.length > restarts) {
    return {
      crashes,
      failed: `crashed ${crashes.length} times within ${windowMs / 1000} s; last: ${reason}. ` +
        `Fix it, then run "plugd plugin restart ${pluginId}"`,
    };
  }
  const { initialMs, maxMs } = policy.backoff;
  return { crashes, restartInMs: Math.min(maxMs, initialMs * 2 ** (crashes.length - 1)) };
}
