/**
 * Settings of the work model (issue 15): how long execution records and usage rollups are kept,
 * how often a delivery that crashed its plugin is tried again, and when failed health checks
 * degrade and restart a plugin.
 */
import { ConfigError } from "./errors.ts";

/** The work-model part of the configuration. */
export interface WorkSettings {
  /** Execution records: kept `days` (7) and at most `maxRows` (1,000,000); rollups `usageDays` (30). */
  executions: { days: number; maxRows: number; usageDays: number; records: boolean };
  /** Retries of a delivery during which the plugin's process died (2). */
  delivery: { crashRetries: number };
  /**
   * Health checks every `intervalS` (30); `degradedAfter` (3) failed checks in a row make a
   * plugin degraded, `restartAfter` (5) restart it.
   */
  health: { intervalS: number; degradedAfter: number; restartAfter: number };
}

/** The keys {@linkcode workSettings} reads, with their defaults. */
export const WORK_DEFAULTS = {
  "executions.retention_days": 7,
  "executions.max_rows": 1_000_000,
  "usage.retention_days": 30,
  "delivery.crash_retries": 2,
  "health.interval_s": 30,
  "health.degraded_after": 3,
  "health.restart_after": 5,
} as const;

/**
 * Reads the work-model settings through `pick` (the loader's: flags > env > file), naming where
 * a bad value came from with `where`.
 */
export function workSettings(
  pick: (key: string) => string | undefined,
  where: (key: string) => string,
): WorkSettings {
  const int = (key: keyof typeof WORK_DEFAULTS, min: number): number => {
    const text = pick(key);
    if (text === undefined) return WORK_DEFAULTS[key];
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new ConfigError(
        `${where(key)} must be a whole number of at least ${min}; got "${text}"`,
      );
    }
    return n;
  };
  const health = {
    intervalS: int("health.interval_s", 1),
    degradedAfter: int("health.degraded_after", 1),
    restartAfter: int("health.restart_after", 1),
  };
  if (health.restartAfter < health.degradedAfter) {
    throw new ConfigError(
      `${where("health.restart_after")} (${health.restartAfter}) must be at least ` +
        `health.degraded_after (${health.degradedAfter}): a plugin is degraded before it is restarted`,
    );
  }
  const records = pick("executions.records") ?? "on";
  if (records !== "on" && records !== "off") {
    throw new ConfigError(`${where("executions.records")} must be "on" or "off"; got "${records}"`);
  }
  return {
    health,
    executions: {
      records: records === "on",
      days: int("executions.retention_days", 1),
      maxRows: int("executions.max_rows", 100),
      usageDays: int("usage.retention_days", 1),
    },
    delivery: { crashRetries: int("delivery.crash_retries", 0) },
  };
}
