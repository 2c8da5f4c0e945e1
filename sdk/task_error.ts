/**
 * Thrown by a task handler to fail its task for good: the task becomes `failed` at once instead
 * of being retried (for input that can never work, e.g. an image that is not an image). Any
 * other error is retried with backoff until the task's `retries` run out (then it is `dead`).
 *
 * @example
 * ```ts
 * import { definePlugin, PermanentTaskError } from "@plugd/sdk";
 * export default definePlugin({
 *   tasks: {
 *     "image.resize": (input) => {
 *       if (typeof (input as { url?: unknown })?.url !== "string") {
 *         throw new PermanentTaskError("input.url must be a string");
 *       }
 *       return { ok: true };
 *     },
 *   },
 * });
 * ```
 */
export class PermanentTaskError extends Error {
  /** The name plugd recognises across the plugin boundary. */
  override name = "PermanentTaskError";
}
