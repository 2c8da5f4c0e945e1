/** Tasks (issue 15): durable units of work for the one plugin that processes their type. */
export { type TaskRequest, TaskService, type TaskServiceOptions } from "./task_service.ts";
export type { TaskHost } from "./task_host.ts";
export { classify, parseProgress, PERMANENT_ERROR, retryDelay } from "./task_outcome.ts";
export { attemptEntry, MAX_TASK_JSON, taskInputJson } from "./task_store.ts";
export type { TaskFilter } from "./task_reads.ts";
export type { FleetTaskQueue } from "./fleet_queue.ts";
export {
  cursorOf,
  mergePages,
  newerFirst,
  pageSize,
  parseCursor,
  type TaskPage,
} from "./task_page.ts";
export { attemptWaitMs, type Processor, taskProcessors } from "./processors.ts";
export {
  type AttemptStatus,
  FINAL_STATUSES,
  TASK_STATUSES,
  type TaskAttempt,
  TaskError,
  type TaskStatus,
  type TaskView,
} from "./types.ts";
