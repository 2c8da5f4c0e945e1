/** Which enabled plugin processes each task type, with its settings. */
import type { TaskSettings } from "../manifest/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import { READY_TIMEOUT_MS } from "../runtime/mod.ts";

/** The processor of one task type. */
export interface Processor {
  pluginId: string;
  settings: TaskSettings;
  /** Per attempt: the hook's `timeout_ms`, else the plugin's `limits.timeout_ms`. */
  timeoutMs: number;
}

/**
 * Task type → its processor among `plugins` (enabled ones). Only one plugin may process a type;
 * should two claim it, the first by id wins (enabling a second is refused with 409 anyway).
 */
export function taskProcessors(plugins: readonly PluginRecord[]): Map<string, Processor> {
  const map = new Map<string, Processor>();
  for (const p of [...plugins].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const h of p.manifest.hooks) {
      if (h.kind !== "task" || !h.task || map.has(h.name)) continue;
      const timeoutMs = h.task.timeout_ms ?? p.manifest.limits.timeout_ms;
      map.set(h.name, { pluginId: p.id, settings: h.task, timeoutMs });
    }
  }
  return map;
}

/**
 * How long an attempt's call may wait for its plugin before it is sent (an on-demand start, a stop
 * under way, a free slot): a start's own limit plus the hook's timeout. Past it the attempt ends
 * as an error and is retried per the task's settings, instead of staying running.
 */
export function attemptWaitMs(processor: Processor): number {
  return READY_TIMEOUT_MS + processor.timeoutMs;
}
