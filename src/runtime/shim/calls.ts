/** Calls in flight inside the plugin: each has an AbortSignal the host can fire (`cancel`). */
import { idleRelease, takeGc } from "./idle_memory.ts";

const running = new Map<number, AbortController>();
const idle = idleRelease({ gc: takeGc(), inFlight: () => running.size });

/** Registers call `id`; returns its signal. */
export function beginCall(id: number): AbortSignal {
  idle.noteCall();
  const controller = new AbortController();
  running.set(id, controller);
  return controller.signal;
}

/** Forgets call `id` once it settled. */
export function endCall(id: number): void {
  running.delete(id);
}

/** Aborts call `id` (a `cancel` frame: the operator pressed Ctrl-C); unknown ids are ignored. */
export function cancelCall(id: number): void {
  running.get(id)?.abort(new DOMException("The operator cancelled this run", "AbortError"));
}
