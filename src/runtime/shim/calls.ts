/** Calls in flight inside the plugin: each has an AbortSignal the host can fire (`cancel`). */
import { idleRelease, takeGc } from "./idle_memory.ts";

const running = new Map<number, AbortController | null>();
/** The signal of a call nothing can cancel. */
const NEVER = new AbortController().signal;
const idle = idleRelease({ gc: takeGc(), inFlight: () => running.size });

/** Registers call `id`; returns its signal (one that never fires unless `cancellable`). */
export function beginCall(id: number, cancellable: boolean): AbortSignal {
  idle.noteCall();
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
