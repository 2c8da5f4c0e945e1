/**
 * The limits on plugin output carried in an answer (an action's result on the wait path and in
 * the stored copy, a filter's output): a value nested too deep or too large to hand on is
 * replaced by a marker (or refused), so no caller's JSON parser meets what a plugin chose.
 */

/** Largest handler result passed on (JSON characters); bigger ones are replaced by a marker. */
export const MAX_RESULT_BYTES = 64 * 1024;
/** Deepest nesting of arrays and objects passed on; deeper results are replaced by a marker. */
export const MAX_RESULT_DEPTH = 64;

/** What stands in for a result over the limits. */
export interface TruncatedResult {
  truncated: true;
  /** Why, naming the limit: `nested deeper than 64 levels`, `71,234 bytes of JSON (limit 65,536)`. */
  reason: string;
  /** The result's size in JSON characters, when it was shallow enough to measure. */
  bytes?: number;
}

/**
 * Why `value` may not be passed on as it is, or null when it is within the limits. The depth is
 * walked without recursion, so a 100,000-level array costs no stack and stops at the limit.
 *
 * @example
 * ```ts
 * resultProblem({ ok: true }); // null
 * resultProblem(JSON.parse("[".repeat(100) + "]".repeat(100))); // "nested deeper than 64 levels"
 * ```
 */
export function resultProblem(value: unknown): { reason: string; bytes?: number } | null {
  if (tooDeep(value)) return { reason: `nested deeper than ${MAX_RESULT_DEPTH} levels` };
  return sizeProblem(JSON.stringify(value)?.length ?? 0);
}

/** Whether `value` nests arrays and objects deeper than the limit (walked without recursion). */
function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > MAX_RESULT_DEPTH) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function sizeProblem(bytes: number): { reason: string; bytes: number } | null {
  if (bytes <= MAX_RESULT_BYTES) return null;
  return {
    reason: `${bytes.toLocaleString("en")} bytes of JSON (limit ${
      MAX_RESULT_BYTES.toLocaleString("en")
    })`,
    bytes,
  };
}

/**
 * `value` when it is within the limits, else a {@linkcode TruncatedResult} naming the limit.
 *
 * @example
 * ```ts
 * boundResult("x".repeat(100_000)); // { truncated: true, reason: "100,002 bytes of JSON (limit 65,536)", bytes: 100002 }
 * ```
 */
export function boundResult(value: unknown): unknown {
  const problem = resultProblem(value);
  return problem === null ? value : { truncated: true, ...problem } satisfies TruncatedResult;
}

/**
 * {@linkcode boundResult} and the JSON text of what it returns (undefined for `undefined`), with
 * one `JSON.stringify` of the result: the text that measured its size is the stored copy's.
 *
 * @example
 * ```ts
 * boundResultText({ ok: true }); // { value: { ok: true }, text: '{"ok":true}' }
 * ```
 */
export function boundResultText(value: unknown): { value: unknown; text: string | undefined } {
  if (tooDeep(value)) {
    const marker = { truncated: true, reason: `nested deeper than ${MAX_RESULT_DEPTH} levels` };
    return { value: marker, text: JSON.stringify(marker) };
  }
  const text: string | undefined = JSON.stringify(value);
  const problem = sizeProblem(text?.length ?? 0);
  if (problem === null) return { value, text };
  const marker = { truncated: true, ...problem } satisfies TruncatedResult;
  return { value: marker, text: JSON.stringify(marker) };
}
