/** The operator's default and ceiling for plugins' emit rates (`PLUGD_EMIT_RATE[_MAX]`). */

/** A token bucket: `perSecond` refill, `burst` size. */
export interface EmitRate {
  perSecond: number;
  burst: number;
}

/** Defaults when the operator sets nothing: 100/s (burst 200); ceiling 1000/s (burst 2000). */
export const DEFAULT_EMIT_RATE: EmitRate = { perSecond: 100, burst: 200 };
export const DEFAULT_EMIT_RATE_MAX: EmitRate = { perSecond: 1000, burst: 2000 };

/**
 * Parses `RATE:BURST` (e.g. `100:200`) or `RATE` (burst = 2 × RATE); whole numbers ≥ 1.
 * Throws a `RangeError` naming `name` and the expected form.
 */
export function parseEmitRate(text: string, name: string): EmitRate {
  const match = /^(\d+)(?::(\d+))?$/.exec(text.trim());
  const perSecond = Number(match?.[1]);
  const burst = match?.[2] === undefined ? perSecond * 2 : Number(match[2]);
  if (!match || perSecond < 1 || burst < 1) {
    throw new RangeError(
      `${name} must be RATE:BURST in whole events per second, such as 100:200; got "${text}"`,
    );
  }
  return { perSecond, burst };
}

/**
 * A plugin's effective emit rate: what its manifest declares (`limits.emit_per_s`,
 * `limits.emit_burst`), else the operator's default — never above the operator's ceiling.
 */
export function effectiveEmitRate(
  declared: { emit_per_s?: number; emit_burst?: number },
  operator: { default: EmitRate; ceiling: EmitRate },
): EmitRate {
  const perSecond = declared.emit_per_s ?? operator.default.perSecond;
  const burst = declared.emit_burst ??
    (declared.emit_per_s === undefined ? operator.default.burst : perSecond * 2);
  return {
    perSecond: Math.min(perSecond, operator.ceiling.perSecond),
    burst: Math.min(burst, operator.ceiling.burst),
  };
}
