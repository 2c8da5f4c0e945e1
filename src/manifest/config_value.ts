/** Checking a config value against one field of a manifest's `config:` schema. */
import type { ConfigField } from "./types.ts";

/** Longest accepted `pattern:` in a config field. */
export const MAX_CONFIG_PATTERN_LENGTH = 1_000;

/**
 * Compiles a config field's `pattern:` the way plugd applies it (JavaScript
 * RegExp, `u` flag, unanchored unless the pattern anchors itself).
 * Throws `SyntaxError` when the pattern does not compile.
 */
export function compileConfigPattern(pattern: string): RegExp {
  return new RegExp(pattern, "u");
}

/**
 * Returns why `value` does not satisfy `field` (type, enum, pattern, min/max), or
 * undefined when it does. `min`/`max` bound numbers, string lengths and array lengths.
 *
 * @example
 * ```ts
 * configValueProblem({ type: "integer", min: 1 }, 0); // "must be at least 1; got 0"
 * configValueProblem({ type: "string" }, "ok"); // undefined
 * ```
 */
export function configValueProblem(field: ConfigField, value: unknown): string | undefined {
  const typeProblem = wrongType(field.type, value);
  if (typeProblem) return typeProblem;
  if (field.enum && !field.enum.some((e) => sameValue(e, value))) {
    return `must be one of ${field.enum.map((e) => JSON.stringify(e)).join(", ")}; got ${
      JSON.stringify(value)
    }`;
  }
  if (field.pattern !== undefined && typeof value === "string") {
    let re: RegExp;
    try {
      re = compileConfigPattern(field.pattern);
    } catch {
      return "cannot be checked: the field's pattern does not compile";
    }
    if (!re.test(value)) {
      return `${JSON.stringify(value)} does not match the pattern ${field.pattern}`;
    }
  }
  const size = typeof value === "number"
    ? value
    : typeof value === "string" || Array.isArray(value)
    ? value.length
    : undefined;
  const unit = typeof value === "string" ? " characters" : Array.isArray(value) ? " items" : "";
  if (size !== undefined && field.min !== undefined && size < field.min) {
    return `must be at least ${field.min}${unit}; got ${size}${unit}`;
  }
  if (size !== undefined && field.max !== undefined && size > field.max) {
    return `must be at most ${field.max}${unit}; got ${size}${unit}`;
  }
  return undefined;
}

function wrongType(type: ConfigField["type"], v: unknown): string | undefined {
  const ok = type === "string"
    ? typeof v === "string"
    : type === "number"
    ? typeof v === "number" && Number.isFinite(v)
    : type === "integer"
    ? typeof v === "number" && Number.isSafeInteger(v)
    : type === "boolean"
    ? typeof v === "boolean"
    : type === "array"
    ? Array.isArray(v)
    : typeof v === "object" && v !== null && !Array.isArray(v);
  const article = type === "array" || type === "integer" || type === "object" ? "an" : "a";
  return ok ? undefined : `must be ${article} ${type}; got ${JSON.stringify(v) ?? String(v)}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
