/** A `task` call: the input in, the result out; `ctx.progress` reports as `out` frames. */
import type { PluginContext, TaskContext, TaskHandler } from "../../../sdk/types.ts";
import { send } from "./channel.ts";
import { after } from "./web_timer.ts";
import type { TaskPayload } from "./wire.ts";

/** Progress reports closer than this are merged (the last one wins), so a tight loop is cheap. */
const MIN_REPORT_MS = 50;

/** Runs `handler` for call `id`; resolves to its result. */
export async function runTask(
  handler: TaskHandler<Record<string, unknown>>,
  ctx: PluginContext,
  id: number,
  payload: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  const p = (payload ?? {}) as Partial<TaskPayload>;
  let open = true;
  let lastAt = 0;
  let pending: (() => void) | undefined;
  let next: string | null = null;
  const flush = () => {
    pending = undefined;
    if (open && next !== null) send({ t: "out", id, data: next });
    next = null;
    lastAt = Date.now();
  };
  const progress = (fraction: number, message?: string): void => {
    if (typeof fraction !== "number" || !Number.isFinite(fraction)) {
      throw new TypeError(`ctx.progress(fraction) takes a number from 0 to 1; got ${fraction}`);
    }
    const report = { progress: Math.min(1, Math.max(0, fraction)), message };
    if (message !== undefined) report.message = String(message).slice(0, 200);
    next = JSON.stringify(report);
    if (pending !== undefined) return;
    const wait = MIN_REPORT_MS - (Date.now() - lastAt);
    if (wait <= 0) flush();
    else pending = after(wait, flush); // not setTimeout: see web_timer.ts
  };
  const taskCtx: TaskContext = Object.freeze({
    ...ctx,
    task: Object.freeze({
      id: String(p.id ?? ""),
      type: String(p.type ?? ""),
      attempt: Number(p.attempt ?? 1),
    }),
    progress,
    signal,
  });
  try {
    return await handler(p.input, taskCtx);
  } finally {
    pending?.();
    flush(); // the last report before the result
    open = false;
  }
}
