/**
 * One page of the fleet's tasks for `GET /v1/tasks`, in the order of the local listing (newest
 * first by creation time, then id) and with the same cursor, so the task service can merge both.
 * Task ids are ULIDs, whose first 48 bits are their creation time: the page is found from the
 * bucket's key list (one stream-info request) without reading tasks outside its time window, and
 * only the newest candidates are read, a chunk at a time, until the page is full.
 */
import {
  cursorOf,
  newerFirst,
  pageSize,
  parseCursor,
  type TaskFilter,
  type TaskPage,
} from "../tasks/mod.ts";
import type { FleetTaskView } from "./fleet_task_views.ts";

/** A task as listings show it (no input, no result). */
export type FleetTaskSummary = Omit<FleetTaskView, "input" | "result">;

/** Where the candidates come from. */
export interface FleetTaskSource {
  /** Every task id in the bucket (any order), or null when the bucket cannot be reached. */
  ids(): Promise<string[] | null>;
  /** Reads one task from the bucket (null: gone). */
  read(id: string): Promise<FleetTaskView | null>;
  /** Tasks accepted on this host that are not in the bucket yet (NATS away). */
  waiting(): Promise<FleetTaskView[]>;
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** How far a task's `created_at` may lie from its id's time (they are taken one after another). */
const SLACK_MS = 1000;
const READ_CHUNK = 32;

/** The creation time a ULID carries (ms), or NaN for an id that is no ULID. */
export function ulidTime(id: string): number {
  if (id.length !== 26) return NaN;
  let t = 0;
  for (const c of id.slice(0, 10)) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return NaN;
    t = t * 32 + v;
  }
  return t;
}

function matches(v: FleetTaskView, f: TaskFilter, after: { ms: number; id: string } | null) {
  const ms = Date.parse(v.created_at);
  if (f.type && v.type !== f.type) return false;
  if (f.status && v.status !== f.status) return false;
  if (f.since !== undefined && ms < f.since) return false;
  if (f.until !== undefined && ms >= f.until) return false;
  return !after || ms < after.ms || (ms === after.ms && v.id < after.id);
}

function summary(v: FleetTaskView): FleetTaskSummary {
  const { input: _i, result: _r, cancel_requested: _c, attempt_started_at: _a, ...rest } = v;
  return rest;
}

/**
 * The page of fleet tasks matching `filter` (`limit` 1-500, default 50) and whether the bucket
 * could be read (when not, only the tasks waiting on this host are listed).
 */
export async function listFleetTasks(
  source: FleetTaskSource,
  filter: TaskFilter,
): Promise<TaskPage & { tasks: FleetTaskSummary[]; reachable: boolean }> {
  const limit = pageSize(filter.limit);
  const after = parseCursor(filter.cursor);
  const upper = Math.min(filter.until ?? Infinity, after ? after.ms + 1 : Infinity) + SLACK_MS;
  const lower = (filter.since ?? -Infinity) - SLACK_MS;
  const [ids, waiting] = await Promise.all([source.ids(), source.waiting()]);
  const found = new Map<string, FleetTaskView>();
  for (const v of waiting) if (matches(v, filter, after)) found.set(v.id, v);
  const candidates = (ids ?? [])
    .map((id) => ({ id, ms: ulidTime(id) }))
    .filter((c) => Number.isFinite(c.ms) && c.ms < upper && c.ms >= lower)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const ordered = () => [...found.values()].sort(newerFirst);
  for (let i = 0; i < candidates.length; i += READ_CHUNK) {
    // Full once limit + 1 are found and no unread candidate can be newer than the last of them.
    const page = ordered();
    const last = page[limit];
    if (last && candidates[i]!.ms < Date.parse(last.created_at) - SLACK_MS) break;
    const chunk = candidates.slice(i, i + READ_CHUNK);
    const views = await Promise.all(chunk.map((c) => source.read(c.id)));
    for (const v of views) if (v && matches(v, filter, after)) found.set(v.id, v);
  }
  const page = ordered();
  const tasks = page.slice(0, limit).map(summary);
  const tail = tasks[limit - 1];
  return {
    tasks,
    next: page.length > limit && tail ? cursorOf(tail) : null,
    reachable: ids !== null,
  };
}
