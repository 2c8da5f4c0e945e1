/**
 * Pages of `GET /v1/tasks`: newest first by creation time, then id, with the cursor
 * `<created ms>.<id>` of a page's last task. A host in a fleet merges its local page with the
 * fleet's page under the same filter, so one cursor walks both.
 */
import type { TaskView } from "./types.ts";

/** A page of a task listing (without input and result). */
export interface TaskPage {
  tasks: Omit<TaskView, "input" | "result">[];
  next: string | null;
  /** Set when part of the listing could not be read (the fleet's tasks while NATS is away). */
  warning?: string;
}

/** The warning of a listing that could not read the fleet's tasks. */
export const FLEET_UNREACHABLE = "NATS is unreachable: of the fleet's tasks only those accepted " +
  "on this host and not yet handed to NATS are listed";

type Ordered = Pick<TaskView, "created_at" | "id">;

/** The cursor position of a task: `<created ms>.<id>`. */
export function cursorOf(task: Ordered): string {
  return `${Date.parse(task.created_at)}.${task.id}`;
}

/** Listing order: newer first, then the higher id first. */
export function newerFirst(a: Ordered, b: Ordered): number {
  const d = Date.parse(b.created_at) - Date.parse(a.created_at);
  return d !== 0 ? d : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Reads a cursor this API gave (null when absent); throws `RangeError` for any other text. */
export function parseCursor(cursor: string | undefined): { ms: number; id: string } | null {
  if (!cursor) return null;
  const m = /^(\d{1,16})\.([0-9A-Za-z]{1,64})$/.exec(cursor);
  if (!m) throw new RangeError(`cursor "${cursor}" is not one this API gave; use its "next"`);
  return { ms: Number(m[1]), id: m[2]! };
}

/** The page size a filter asks for: 1 to 500, 50 when absent. */
export function pageSize(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? 50), 1), 500);
}

/**
 * One page from two pages taken under the same filter and cursor (each holding at most `limit`
 * tasks, and a `next` when it had more).
 *
 * @example
 * ```ts
 * mergePages({ tasks: [], next: null }, { tasks: [], next: null }, 50); // { tasks: [], next: null }
 * ```
 */
export function mergePages(a: TaskPage, b: TaskPage, limit: number): TaskPage {
  const all = [...a.tasks, ...b.tasks].sort(newerFirst);
  const tasks = all.slice(0, limit);
  const more = all.length > limit || a.next !== null || b.next !== null;
  const last = tasks[tasks.length - 1];
  return { tasks, next: more && last ? cursorOf(last) : null };
}
