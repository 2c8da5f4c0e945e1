/**
 * Standby processes (issue 23): how often an on-demand plugin must be started to get a process
 * kept ready for its next call, and the private memory all such processes may use together.
 */
import { ConfigError } from "./errors.ts";

/** The standby part of the configuration. */
export interface StandbySettings {
  /**
   * `memoryMb` (64; 0 = no standbys): private memory all standby processes may use together;
   * a plugin started on demand `afterStarts` (3) times within `windowS` (600) seconds gets one.
   */
  standby?: { memoryMb: number; afterStarts: number; windowS: number };
}

/** The keys {@linkcode standbySettings} reads, with their defaults and least values. */
export const STANDBY_DEFAULTS = {
  "standby.memory_mb": [64, 0],
  "standby.after_starts": [3, 1],
  "standby.window_s": [600, 1],
} as const;

/** Reads the standby settings through `pick` (flags > env > file); `where` names a bad value's origin. */
export function standbySettings(
  pick: (key: string) => string | undefined,
  where: (key: string) => string,
): Required<StandbySettings> {
  const int = (key: keyof typeof STANDBY_DEFAULTS): number => {
    const [fallback, min] = STANDBY_DEFAULTS[key];
    const text = pick(key);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new ConfigError(
        `${where(key)} must be a whole number of at least ${min}; got "${text}"`,
      );
    }
    return n;
  };
  return {
    standby: {
      memoryMb: int("standby.memory_mb"),
      afterStarts: int("standby.after_starts"),
      windowS: int("standby.window_s"),
    },
  };
}
