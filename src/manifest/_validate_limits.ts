/** Validation of `limits:`. Private to src/manifest. */
import {
  CPU_PERCENT_CEILING,
  EMIT_CEILINGS,
  LIMIT_CEILINGS,
  LIMIT_DEFAULTS,
  LIMIT_FLOORS,
} from "./constants.ts";
import type { Limits } from "./types.ts";
import { at, checkKeys, expectRecord, intInRange, type Problems } from "./_fields.ts";

const KEYS = Object.keys(LIMIT_DEFAULTS) as (keyof typeof LIMIT_DEFAULTS)[];
/** Optional keys without a manifest default: the operator's default applies. */
const EMIT_KEYS = ["emit_per_s", "emit_burst"] as const;

/** Validates `limits:` and applies defaults. */
export function validateLimits(v: unknown, p: Problems): Limits {
  const out: Limits = { ...LIMIT_DEFAULTS };
  if (v === undefined || v === null) return out;
  if (!expectRecord(v, "limits", p, "{ memory_mb: 128, timeout_ms: 5000, concurrency: 8 }")) {
    return out;
  }
  checkKeys(v, [...KEYS, ...EMIT_KEYS, "cpu_percent"], "limits", p);
  for (const key of KEYS) {
    if (v[key] === undefined) continue;
    const n = intInRange(v[key], at("limits", key), p, LIMIT_FLOORS[key], LIMIT_CEILINGS[key]);
    if (n !== undefined) out[key] = n;
  }
  for (const key of EMIT_KEYS) {
    if (v[key] === undefined) continue;
    const n = intInRange(v[key], at("limits", key), p, 1, EMIT_CEILINGS[key]);
    if (n !== undefined) out[key] = n;
  }
  if (v.cpu_percent !== undefined) {
    const n = intInRange(v.cpu_percent, at("limits", "cpu_percent"), p, 1, CPU_PERCENT_CEILING);
    if (n !== undefined) out.cpu_percent = n;
  }
  return out;
}
