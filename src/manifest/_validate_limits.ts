/** Validation of `limits:`. Private to src/manifest. */
import { LIMIT_CEILINGS, LIMIT_DEFAULTS, LIMIT_FLOORS } from "./constants.ts";
import type { Limits } from "./types.ts";
import { at, checkKeys, expectRecord, intInRange, type Problems } from "./_fields.ts";

const KEYS = Object.keys(LIMIT_DEFAULTS) as (keyof Limits)[];

/** Validates `limits:` and applies defaults. */
export function validateLimits(v: unknown, p: Problems): Limits {
  const out: Limits = { ...LIMIT_DEFAULTS };
  if (v === undefined || v === null) return out;
  if (!expectRecord(v, "limits", p, "{ memory_mb: 128, timeout_ms: 5000, concurrency: 8 }")) {
    return out;
  }
  checkKeys(v, KEYS, "limits", p);
  for (const key of KEYS) {
    if (v[key] === undefined) continue;
    const n = intInRange(v[key], at("limits", key), p, LIMIT_FLOORS[key], LIMIT_CEILINGS[key]);
    if (n !== undefined) out[key] = n;
  }
  return out;
}
