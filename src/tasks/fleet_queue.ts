/**
 * The seam through which tasks of `fleet: true` types leave this host: the fleet (src/fleet)
 * implements it, the daemon attaches it to the task service. Without one (no NATS configured),
 * fleet types run locally like any task.
 */
import type { TaskRequest } from "./task_service.ts";
import type { TaskFilter } from "./task_reads.ts";
import type { TaskPage } from "./task_page.ts";
import type { TaskView } from "./types.ts";

/** A fleet-wide queue of tasks. */
export interface FleetTaskQueue {
  /** Whether some host of the fleet takes tasks of `type` (for a type no local plugin processes). */
  knows(type: string): boolean;
  /** Stores the task (durable before this resolves) for the fleet's work queue. */
  submit(
    type: string,
    request: TaskRequest,
    actor: string,
  ): Promise<{ id: string; duplicate: boolean }>;
  /** The task as the fleet knows it, or null when it is no fleet task. */
  get(id: string): Promise<TaskView | null>;
  /**
   * A page of the fleet's tasks under `filter` (same order and cursor as the local listing);
   * `reachable` false when only this host's waiting tasks could be read (NATS away).
   */
  list(filter: TaskFilter): Promise<TaskPage & { reachable: boolean }>;
  /** Cancels a fleet task (queued: at once; running: on the host that runs it). */
  cancel(id: string): Promise<TaskView>;
}
