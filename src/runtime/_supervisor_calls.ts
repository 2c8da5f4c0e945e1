/**
 * A call through the supervisor: straight to a running process, or after starting the plugin
 * (waiting for a stop under way first), refused while it is failed, restarting or disabled.
 * Moved out of `supervisor.ts`, whose `invoke()` picks the path.
 */
import { PluginUnavailableError } from "./errors.ts";
import type { CallKind, InvokeOptions } from "./types.ts";
import { type Entry, recordError } from "./_supervisor_entry.ts";
import { boundedWait } from "./_bounded_wait.ts";

/** What a call needs from the supervisor. */
export interface CallDeps {
  /** The entry of `id`; throws `PluginUnavailableError` when it is not registered. */
  get: (id: string) => Entry;
  start: (id: string) => Promise<void>;
  /** Counts an on-demand start (the standby policy). */
  noteStart: (id: string) => void;
  /** Arms the idle stop. */
  armIdle: (e: Entry) => void;
}

/** Sends a call to the entry's ready process. */
export function callEntry(
  e: Entry,
  kind: CallKind,
  name: string,
  payload: unknown,
  opts: InvokeOptions | undefined,
  armIdle: (e: Entry) => void,
): Promise<unknown> {
  e.stats.invocations++;
  if (!e.timers.has("idle")) armIdle(e); // it re-arms itself from the last call's end
  return e.proc!.invoke(kind, name, payload, opts).catch((err) => {
    recordError(e, err);
    throw err;
  });
}

/** Starts the plugin when it is enabled and not running, then calls it. */
export async function startThenCall(
  id: string,
  kind: CallKind,
  name: string,
  payload: unknown,
  opts: InvokeOptions | undefined,
  deps: CallDeps,
): Promise<unknown> {
  const e = deps.get(id);
  if (e.state === "failed") throw new PluginUnavailableError(id, `failed: ${e.reason}`);
  if (e.state === "backoff") {
    throw new PluginUnavailableError(id, `restarting after a crash (${e.reason}); retry shortly`);
  }
  // Each wait below is bounded by the call's `waitMs`, if it has one (a task attempt's does): a
  // start or stop that never settles must not hold the call, which has no deadline until sent.
  const waitMs = opts?.waitMs;
  const until = waitMs === undefined ? undefined : performance.now() + waitMs;
  const bound = (what: string) => ({ pluginId: id, waitMs: waitMs ?? 0, for: what });
  // A call that meets a stop (e.g. the idle stop) waits for it, then starts a fresh process,
  // instead of being sent to a process that is shutting down.
  if (e.stopping) await boundedWait(e.stopping, until, bound("its stop"));
  if (!e.proc?.ready) {
    if (e.spec.enabled === false) throw new PluginUnavailableError(id, "disabled; enable it");
    deps.noteStart(id);
    await boundedWait(deps.start(id), until, bound("its start"));
  }
  // What is left of the wait goes on bounding the wait for a free slot.
  const left = until === undefined ? opts : { ...opts, waitMs: until - performance.now() };
  return await callEntry(e, kind, name, payload, left, deps.armIdle);
}
