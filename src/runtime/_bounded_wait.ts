/** A wait of a call before it is sent, bounded by the call's `waitMs` (see `InvokeOptions`). */
import { PluginWaitTimeoutError } from "./errors.ts";

/**
 * `step`'s value, or a `PluginWaitTimeoutError` once `until` (a `performance.now()` time) has
 * passed; without `until`, `step` as it is. The step itself goes on (a start serves later calls).
 */
export async function boundedWait<T>(
  step: Promise<T>,
  until: number | undefined,
  what: { pluginId: string; waitMs: number; for: string },
): Promise<T> {
  if (until === undefined) return await step;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PluginWaitTimeoutError(what.pluginId, what.for, what.waitMs)),
      Math.max(0, until - performance.now()),
    );
  });
  try {
    return await Promise.race([step, late]);
  } finally {
    clearTimeout(timer);
  }
}
