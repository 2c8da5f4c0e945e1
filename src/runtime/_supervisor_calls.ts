/**
 * A call through the supervisor: straight to a running process, or after starting the plugin
 * (waiting for a stop under way first), refused while it is failed, restarting or disabled.
 * Moved out of `supervisor.ts`, whose `invoke()` picks the path.
 */
import { PluginUnavailableError } from "./errors.ts";
import type { CallKind, InvokeOptions } from "./types.ts";
import { type Entry, recordError } from "./_supervisor_entry.ts";

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
  // A call that meets a stop (e.g. the idle stop) waits for it, then starts a fresh process,
  // instead of being sent to a process that is shutting down.
  if (e.stopping) await e.stopping;
  if (!e.proc?.ready) {
    if (e.spec.enabled === false) throw new PluginUnavailableError(id, "disabled; enable it");
    deps.noteStart(id);
    await deps.start(id);
  }
  return await callEntry(e, kind, name, payload, opts, deps.armIdle);
}
