/** The supervisor's options with every default filled in. */
import type { Runner } from "./runner.ts";
import { READY_TIMEOUT_MS, type SupervisorOptions } from "./supervisor_types.ts";

/** Options as the supervisor reads them: only the optional-by-design ones may be absent. */
export type SupervisorSettings =
  & Required<Omit<SupervisorOptions, "verifyIntegrity" | "standby" | "seats" | "seatDir">>
  & SupervisorOptions;

/** `options` over the defaults; `runner` is the one given or the supervisor's own. */
export function supervisorSettings(options: SupervisorOptions, runner: Runner): SupervisorSettings {
  return {
    onLog: () => {},
    onStateChange: () => {},
    onDenied: () => {},
    onOwnCall: () => {},
    onHealth: () => {},
    healthPolicy: {},
    healthIntervalMs: 30_000,
    healthTimeoutMs: 5_000,
    crashBudget: { restarts: 5, windowMs: 60_000 },
    backoff: { initialMs: 100, maxMs: 30_000 },
    idleStopMs: 0,
    readyTimeoutMs: READY_TIMEOUT_MS,
    gracefulMs: 2_000,
    deniedHistory: 20,
    diskWatchMs: 1000,
    ...options,
    runner,
    // Given as undefined: keep the default; null turns it off.
    cpuBudget: options.cpuBudget === undefined
      ? { percent: 50, windowMs: 10_000 }
      : options.cpuBudget,
  };
}
