/**
 * Cancelling a fleet task from any host: still in this host's outbox, it is cancelled there;
 * queued in the fleet, its view says so at once; running, the view asks for it and the host that
 * runs it is told on its control subject (and answers whether it runs it), then the cancel waits
 * a while for that host to end it.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { FINAL_STATUSES, TaskError } from "../tasks/mod.ts";
import type { FleetTaskOutbox } from "./fleet_task_outbox.ts";
import type { LiveTask } from "./fleet_task_runner.ts";
import type { FleetTaskView, FleetTaskViews } from "./fleet_task_views.ts";
import type { FleetNames } from "./names.ts";

/** How long a cancel waits for the running host to end the task. */
const CANCEL_WAIT_MS = 10_000;

/** What {@linkcode cancelFleetTask} works with. */
export interface FleetCancelDeps {
  outbox: FleetTaskOutbox;
  names: FleetNames;
  /** The task views, or a 503 naming the task while NATS is unreachable. */
  views: (id: string) => FleetTaskViews;
  /** The live connection, if any. */
  nc: () => NatsConnection | null;
}

/** Cancels task `id`; answers its view after (final unless its host did not end it in time). */
export async function cancelFleetTask(deps: FleetCancelDeps, id: string): Promise<FleetTaskView> {
  const waiting = await deps.outbox.find(id);
  const now = new Date().toISOString();
  if (waiting?.status === "queued") {
    const cancelled = {
      ...waiting,
      status: "cancelled" as const,
      finished_at: now,
      error: "cancelled",
    };
    if (await deps.outbox.replace(cancelled)) return cancelled;
  }
  const views = deps.views(id);
  let before: FleetTaskView | null = null;
  const after = await views.modify(id, (v) => {
    before = v;
    if (FINAL_STATUSES.has(v.status)) return null;
    if (v.status === "queued") {
      return { ...v, status: "cancelled", finished_at: now, error: "cancelled" };
    }
    return { ...v, cancel_requested: true };
  });
  const was = before as FleetTaskView | null;
  if (!after || !was) throw new TaskError(404, `No task with id "${id}"`);
  if (FINAL_STATUSES.has(was.status)) {
    throw new TaskError(
      409,
      `Task "${id}" is already ${was.status}; only queued or running tasks can be cancelled`,
    );
  }
  const nc = deps.nc();
  if (after.status !== "running" || !after.host || !nc) return after;
  // Ask the host that runs it; a host that does not answer obeys `cancel_requested` later.
  await nc.request(deps.names.taskControl(after.host), JSON.stringify({ id }), {
    timeout: 5000,
  }).catch(() => {});
  const deadline = Date.now() + CANCEL_WAIT_MS;
  let view = after;
  while (!FINAL_STATUSES.has(view.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    view = (await views.read(id))?.view ?? view;
  }
  return view;
}

/**
 * Answers cancels sent to this host's control `subject`: the attempt `running(id)` finds is
 * aborted as cancelled; the answer says whether there was one.
 */
export function answerCancels(
  nc: NatsConnection,
  subject: string,
  running: (id: string) => LiveTask | undefined,
): Subscription {
  return nc.subscribe(subject, {
    callback: (_error, msg) => {
      let id = "";
      try {
        id = String(msg.json<{ id: string }>().id);
      } catch { /* not ours */ }
      const live = running(id);
      if (live) {
        live.cancelled = true;
        live.abort.abort(new DOMException(`task ${id} cancelled`, "AbortError"));
      }
      msg.respond(JSON.stringify({ found: !!live }));
    },
  });
}
