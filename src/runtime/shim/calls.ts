/** Calls in flight inside the plugin: each has an AbortSignal the host can fire (`cancel`). */
import { idleRelease, takeGc } from "./idle_memory.ts";
import type { CallKind } from "./wire.ts";

const running = new Map<number, AbortController | null>();
/** The signal of a call nothing can cancel. */
const NEVER = new AbortController().signal;
const idle = idleRelease({ gc: takeGc(), inFlight: () => running.size });

/**
 * How a call of `kind` is kept: only commands and tasks see a signal that can fire (a `cancel`
 * frame; other calls need no AbortController), and the daemon's health checks are not the
 * plugin's work, so they never arm the idle memory release. A release after a health check (the
 * daemon sends the first one right after `ready`) cost every always-on plugin ~40 ms of CPU ten
 * seconds after its start (a full collection and Deno's Node layer, loaded for `gc`), for a heap
 * that had grown only by its own start.
 */
export function callTraits(kind: CallKind): { cancellable: boolean; work: boolean } {
  return { cancellable: kind === "command" || kind === "task", work: kind !== "health" };
}

/** Registers call `id`; returns its signal (one that never fires unless it is cancellable). */
export function beginCall(id: number, kind: CallKind): AbortSignal {
  const { cancellable, work } = callTraits(kind);
  if (work) idle.noteCall();
  const controller = cancellable ? new AbortController() : null;
  running.set(id, controller);
  return controller?.signal ?? NEVER;
}

/** Forgets call `id` once it settled. */
export function endCall(id: number): void {
  running.delete(id);
}

/** Aborts call `id` (a `cancel` frame: the operator pressed Ctrl-C); unknown ids are ignored. */
export function cancelCall(id: number): void {
  running.get(id)?.abort(new DOMException("The operator cancelled this run", "AbortError"));
}
