/**
 * One attempt of a claimed task: the call into its processor (with live progress and cancel),
 * the outcome classified, and its end recorded. A call refused before it reached the plugin (it is
 * restarting, failed, or its start failed) is not an attempt: the task is released to be claimed
 * again shortly. A call that waited too long for the plugin is one (an error, retried).
 */
import type { Store } from "../store/mod.ts";
import { attemptWaitMs, type Processor } from "./processors.ts";
import type { RunningAttempt, TaskLane } from "./task_lane.ts";
import { classify, parseProgress } from "./task_outcome.ts";
import type { TaskHost } from "./task_host.ts";
import { attemptEntry, type attemptFinisher, type ClaimedTask, releaseTask } from "./task_store.ts";

/** What {@linkcode runTaskAttempt} works with: the task service's parts. */
export interface AttemptContext {
  store: Store;
  host: TaskHost;
  finisher: ReturnType<typeof attemptFinisher>;
  retryBaseMs: number;
  /** False once the service is stopping: an attempt cut short then is left for recovery. */
  running(): boolean;
}

/** Runs `task`'s attempt in `processor`'s plugin and records how it ended. */
export async function runTaskAttempt(
  context: AttemptContext,
  lane: TaskLane,
  processor: Processor,
  task: ClaimedTask,
  live: RunningAttempt,
): Promise<void> {
  const payload = {
    id: task.id,
    type: task.type,
    attempt: task.attempt,
    input: task.input,
    tenant: task.tenant,
  };
  let outcome;
  try {
    const value = await context.host.invoke(processor.pluginId, "task", task.type, payload, {
      timeoutMs: processor.timeoutMs,
      waitMs: attemptWaitMs(processor), // the wait before the call is sent is bounded too
      signal: live.abort.signal,
      onOutput: (data) => live.progress = parseProgress(data) ?? live.progress,
      record: { taskId: task.id, attempt: task.attempt, tenant: task.tenant, input: task.input },
      tenant: task.tenant,
    });
    outcome = classify({ value }, task, processor.settings, live, context.retryBaseMs);
  } catch (error) {
    if (!context.running() && !live.cancelled) return; // stopping: recovered as interrupted at start
    const name = (error as Error)?.name;
    if (name === "PluginUnavailableError" || name === "PluginStartError") {
      // Never reached the plugin: not an attempt; try again shortly.
      await releaseTask(context.store, task.id, 1000);
      lane.delayed(); // once committed: see TaskLane
      return;
    }
    outcome = classify({ error }, task, processor.settings, live, context.retryBaseMs);
  }
  const attempt = attemptEntry(
    task.attempt,
    outcome.attemptStatus,
    task.startedAt,
    outcome.error ?? undefined,
  );
  await context.finisher.submit({
    id: task.id,
    outcome: { ...outcome, attempt, progress: live.progress },
  });
  if (outcome.status === "queued") lane.delayed(); // once committed: see TaskLane
}
