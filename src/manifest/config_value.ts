/** How a config schema's `pattern:` is compiled (JavaScript RegExp with the `u` flag). */

/** Longest accepted `pattern:` in a config schema. */
export const MAX_CONFIG_PATTERN_LENGTH = 1_000;

/**
 * Compiles a config schema's `pattern:` the way plugd (and the JSON Schema validator) applies
 * it: JavaScript RegExp, `u` flag, unanchored unless the pattern anchors itself.
 * Throws `SyntaxError` when the pattern does not compile.
 *
 * @example
 * ```ts
 * compileConfigPattern("^https://").test("https://x"); // true
 * ```
 */
export function compileConfigPattern(pattern: string): RegExp {
  return new RegExp(pattern, "u");
}
