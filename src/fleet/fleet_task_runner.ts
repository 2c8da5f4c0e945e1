/**
 * One delivery of the fleet's work queue on this host: the task's next attempt, run in the local
 * plugin that processes its type. JetStream hands each message to one host at a time; this host
 * tells it "in progress" while the attempt runs, acknowledges once the outcome is stored in the
 * task bucket, or gives the message back (`nak` with the retry delay). A host that dies stops
 * saying "in progress", so after the ack wait JetStream hands the task to another host, which
 * logs the lost attempt as `interrupted` and goes on (or marks the task `dead` on its last).
 */
import type { JsMsg } from "@nats-io/jetstream";
import {
  attemptEntry,
  attemptWaitMs,
  classify,
  FINAL_STATUSES,
  parseProgress,
  type Processor,
  type TaskAttempt,
  type TaskHost,
} from "../tasks/mod.ts";
import type { FleetTaskView, FleetTaskViews } from "./fleet_task_views.ts";

/** A fleet task running here (so a cancel can reach it). */
export interface LiveTask {
  abort: AbortController;
  cancelled: boolean;
  progress: { fraction: number; message: string | null } | null;
}

/** What a delivery needs. */
export interface RunnerDeps {
  hostId: string;
  /** The task bucket now (null while NATS is away). */
  views: () => FleetTaskViews | null;
  host: TaskHost;
  retryBaseMs: number;
  ackWaitMs: number;
  /** Tracks the attempts running here (for cancels, and to give them back at a stop). */
  live: {
    add(id: string, live: LiveTask, msg: Replies): void;
    remove(id: string): void;
    has(id: string): boolean;
  };
  /** True once the daemon stops: attempts are given back, not finished. */
  stopping: () => boolean;
  log: (message: string) => void;
  count?: (what: string) => void;
}

/** The view a task takes as this host starts its attempt, or what to do instead. */
type Decision =
  | { kind: "run"; attempt: number; startedAt: number }
  | { kind: "ack" }
  | { kind: "gone" }
  | { kind: "later"; ms: number };

/** What becomes of the stored task before an attempt; `decided` learns which way it went. */
function startAttempt(
  v: FleetTaskView,
  o: { hostId: string; processor: Processor; now: number; liveHere: boolean; ackWaitMs: number },
  decided: (d: Decision) => void,
): FleetTaskView | null {
  if (FINAL_STATUSES.has(v.status)) return decided({ kind: "ack" }), null;
  const due = v.next_attempt_at ? Date.parse(v.next_attempt_at) : 0;
  if (v.status === "queued" && due > o.now + 50) {
    return decided({ kind: "later", ms: due - o.now }), null;
  }
  const at = new Date(o.now).toISOString();
  const attempts: TaskAttempt[] = [...v.attempts];
  if (v.status === "running" && v.host === o.hostId && o.liveHere) {
    // Given again while this host still runs it (NATS was away past the ack wait): not lost.
    return decided({ kind: "later", ms: o.ackWaitMs }), null;
  }
  if (v.status === "running") {
    // The host that ran it went silent past the ack wait (died, or cut off): that attempt is lost.
    const lost = attempts.length + 1;
    attempts.push({
      attempt: lost,
      status: "interrupted",
      started_at: v.attempt_started_at ?? v.started_at ?? at,
      duration_ms: null,
      error: `host ${v.host} stopped during this attempt`,
    });
    if (lost > o.processor.settings.retries) {
      decided({ kind: "ack" });
      return {
        ...v,
        attempts,
        status: "dead",
        finished_at: at,
        error: `interrupted on its last attempt (${lost})`,
      };
    }
  }
  if (v.cancel_requested) {
    decided({ kind: "ack" });
    return { ...v, attempts, status: "cancelled", finished_at: at, error: "cancelled" };
  }
  decided({ kind: "run", attempt: attempts.length + 1, startedAt: o.now });
  return {
    ...v,
    attempts,
    status: "running",
    host: o.hostId,
    plugin: o.processor.pluginId,
    started_at: v.started_at ?? at,
    attempt_started_at: at,
    next_attempt_at: null,
    progress: null,
  };
}

/** A message's replies to JetStream; none throws (a closed connection makes them no-ops). */
export interface Replies {
  nak(ms?: number): void;
  term(): void;
  working(): void;
  ackAck(): Promise<void>;
}

/** The replies of `msg`: once the daemon closed NATS, JetStream redelivers after the ack wait. */
export function replies(msg: JsMsg): Replies {
  const quiet = (reply: () => void) => {
    try {
      reply();
    } catch { /* the connection is closed */ }
  };
  return {
    nak: (ms) => quiet(() => msg.nak(ms)),
    term: () => quiet(() => msg.term()),
    working: () => quiet(() => msg.working()),
    ackAck: async () => {
      try {
        await msg.ackAck();
      } catch { /* closed, or the ack was lost: redelivered and then only acknowledged */ }
    },
  };
}

/** Takes one message: decides, runs the attempt, stores the outcome, acks or gives it back. */
export async function runFleetTask(d: RunnerDeps, msg: JsMsg, processor: Processor): Promise<void> {
  const m = replies(msg);
  let id: string;
  try {
    id = String(msg.json<{ id: string }>().id);
  } catch {
    d.log(`fleet: dropped a fleet task message that is not JSON (seq ${msg.seq})`);
    return m.term();
  }
  const views = d.views();
  if (!views) return m.nak(1000);
  // Ours from the first moment: a slow read under load must not let the ack wait run out.
  m.working();
  const working = setInterval(() => m.working(), Math.max(500, Math.floor(d.ackWaitMs / 3)));
  try {
    await takeAndRun(d, m, processor, views, id);
  } finally {
    clearInterval(working);
  }
}

/** Decides what this delivery means for the task and runs its attempt when it is due. */
async function takeAndRun(
  d: RunnerDeps,
  m: Replies,
  processor: Processor,
  views: FleetTaskViews,
  id: string,
): Promise<void> {
  let decision = { kind: "gone" } as Decision;
  const task = await views.modify(
    id,
    (v) =>
      startAttempt(v, {
        hostId: d.hostId,
        processor,
        now: Date.now(),
        liveHere: d.live.has(id),
        ackWaitMs: d.ackWaitMs,
      }, (x) => decision = x),
  );
  if (!task || decision.kind === "gone") {
    d.log(`fleet: fleet task ${id} is not in the task bucket (expired?); dropped`);
    return m.term();
  }
  if (decision.kind === "ack") return await m.ackAck();
  if (decision.kind === "later") return m.nak(decision.ms);
  if (decision.kind !== "run") return;
  const { attempt, startedAt } = decision;
  d.count?.("taken");
  const live: LiveTask = { abort: new AbortController(), cancelled: false, progress: null };
  d.live.add(id, live, m);
  // Publish progress now and then while the attempt runs.
  let shown: LiveTask["progress"] = null;
  const progress = setInterval(() => {
    if (live.progress === shown) return;
    shown = live.progress;
    void d.views()?.modify(
      id,
      (v) => (v.status === "running" && v.host === d.hostId ? { ...v, progress: shown } : null),
    ).catch(() => {});
  }, 1000);
  let end: { value: unknown } | { error: unknown };
  try {
    const payload = { id, type: task.type, attempt, input: task.input, tenant: task.tenant };
    end = {
      value: await d.host.invoke(processor.pluginId, "task", task.type, payload, {
        timeoutMs: processor.timeoutMs,
        waitMs: attemptWaitMs(processor), // as a local attempt's: bounded before the send too
        signal: live.abort.signal,
        onOutput: (data) => live.progress = parseProgress(data) ?? live.progress,
        record: { taskId: id, attempt, tenant: task.tenant, input: task.input },
      }),
    };
  } catch (error) {
    end = { error };
  } finally {
    clearInterval(progress);
    d.live.remove(id);
  }
  if (d.stopping() && !live.cancelled) return m.nak(); // another host takes it over at once
  const name = "error" in end ? (end.error as Error)?.name : "";
  if (name === "PluginUnavailableError" || name === "PluginStartError") {
    // Never reached the plugin: not an attempt. Give it back.
    await store(d, id, (v) => ({ ...v, status: "queued", host: d.hostId }));
    return m.nak(1000);
  }
  const outcome = classify(end, { attempt }, processor.settings, live, d.retryBaseMs);
  const entry = attemptEntry(attempt, outcome.attemptStatus, startedAt, outcome.error ?? undefined);
  const finishedAt = outcome.status === "queued" ? null : new Date().toISOString();
  const stored = await store(d, id, (v) => {
    if (FINAL_STATUSES.has(v.status)) return null; // another host finished it meanwhile
    return {
      ...v,
      status: outcome.status,
      result: outcome.result === undefined ? v.result : JSON.parse(outcome.result ?? "null"),
      error: outcome.error ?? null,
      next_attempt_at: outcome.nextAttemptAt ? new Date(outcome.nextAttemptAt).toISOString() : null,
      finished_at: finishedAt,
      progress: live.progress ?? v.progress,
      attempts: [...v.attempts, entry],
      host: d.hostId,
    };
  });
  if (!stored) return m.nak(); // stopping before NATS came back: the next taker goes on
  d.count?.(outcome.status);
  if (outcome.status === "queued") {
    return m.nak(Math.max(0, (outcome.nextAttemptAt ?? 0) - Date.now()));
  }
  await m.ackAck();
}

/** Stores a change, again and again while NATS is away, until it is stored or the daemon stops. */
async function store(
  d: RunnerDeps,
  id: string,
  change: (v: FleetTaskView) => FleetTaskView | null,
): Promise<boolean> {
  while (true) {
    try {
      const views = d.views();
      if (views) {
        await views.modify(id, change);
        return true;
      }
    } catch (error) {
      d.log(`fleet: cannot store fleet task ${id} (${(error as Error).message}); trying again`);
    }
    if (d.stopping()) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
