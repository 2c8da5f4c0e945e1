/** Sample summaries and the result shape every measure returns. */

/** How a measure is compared to its SPEC §14 target. */
export interface Target {
  /**
   * Which figure is compared: the median, p95 or p99 of the samples, or `ratio`, the median over
   * the floor's median measured in the same run.
   */
  stat: "median" | "p95" | "p99" | "ratio";
  op: "<" | ">";
  value: number;
}

/** A floor measured in the same run (the best this host could do without plugd). */
export interface Floor {
  name: string;
  median: number;
  p99: number | null;
  count: number;
}

/** One row of the results table and of `results.json`. */
export interface MeasureResult {
  id: string;
  name: string;
  unit: string;
  median: number;
  /** p99 of the samples; for rates, the slowest round (lowest rate) is given instead. */
  p99: number | null;
  /** p95 of the samples, for measures whose target is a p95. */
  p95?: number;
  count: number;
  target: Target | null;
  pass: boolean | null;
  floor?: Floor;
  /** median / floor.median. */
  ratio?: number;
  /** Settings the figure depends on (client count, concurrency, ...). */
  config?: Record<string, unknown>;
  notes?: string;
}

/** The value at quantile `q` (0..1) of ascending `sorted` samples (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile() needs at least one sample");
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Median, p99 and count of latency-like samples (lower is better). */
export function summarize(samples: number[]): { median: number; p99: number; count: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p99: quantile(s, 0.99), count: s.length };
}

/** Median rate over rounds; `p99` is the worst round (rates: higher is better). */
export function summarizeRates(rates: number[]): { median: number; p99: number; count: number } {
  const s = [...rates].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p99: s[0]!, count: s.length };
}

/** Whether `r` meets its target (null when it has none). */
export function judge(
  median: number,
  p99: number | null,
  target: Target | null,
  p95?: number,
  ratio?: number,
): boolean | null {
  if (!target) return null;
  const v = target.stat === "median"
    ? median
    : target.stat === "p95"
    ? p95 ?? null
    : target.stat === "ratio"
    ? ratio ?? null
    : p99;
  if (v === null) return null;
  return target.op === "<" ? v < target.value : v > target.value;
}

/** Builds a result, computing `pass` and `ratio`. */
export function result(r: Omit<MeasureResult, "pass" | "ratio">): MeasureResult {
  const ratio = r.floor && r.floor.median > 0 ? r.median / r.floor.median : undefined;
  const out: MeasureResult = { ...r, pass: judge(r.median, r.p99, r.target, r.p95, ratio) };
  if (ratio !== undefined) out.ratio = ratio;
  return out;
}

/** Runs `fn` `n` times sequentially and returns each duration in ms. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}
