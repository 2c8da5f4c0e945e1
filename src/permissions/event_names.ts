/** Event type names and subscription patterns (SPEC §7). */

/** Longest accepted event type or pattern. */
export const MAX_EVENT_NAME_LENGTH = 255;

const TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/;

/**
 * Whether `s` is an event type: lowercase dotted segments of `[a-z0-9_]`.
 *
 * @example
 * ```ts
 * isEventType("deployment.post_create"); // true
 * isEventType("deployment.*"); // false
 * ```
 */
export function isEventType(s: unknown): s is string {
  return typeof s === "string" && s.length <= MAX_EVENT_NAME_LENGTH && TYPE.test(s);
}

/**
 * Whether `s` is an event pattern: an event type, a type followed by `.*`, or `*` alone.
 *
 * @example
 * ```ts
 * isEventPattern("deployment.*"); // true
 * isEventPattern("*"); // true
 * isEventPattern("deploy*"); // false
 * ```
 */
export function isEventPattern(s: unknown): s is string {
  return typeof s === "string" && s.length <= MAX_EVENT_NAME_LENGTH &&
    (s === "*" || PATTERN.test(s));
}

/**
 * Whether event `type` matches `pattern`: exactly, or by a trailing `*` wildcard
 * (`deployment.*` matches `deployment.post_create` and `deployment.a.b`, not
 * `deployment` itself); `*` alone matches every type.
 *
 * @example
 * ```ts
 * matchesEventPattern("deployment.*", "deployment.post_create"); // true
 * matchesEventPattern("deployment.*", "deployments.x"); // false
 * ```
 */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1); // keeps the dot: "deployment."
    return type.length > prefix.length && type.startsWith(prefix);
  }
  return pattern === type;
}
