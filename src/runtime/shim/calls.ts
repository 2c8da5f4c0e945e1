/** Calls in flight inside the plugin: each has an AbortSignal the host can fire (`cancel`). */

const running = new Map<number, AbortController>();

/** Registers call `id`; returns its signal. */
export function beginCall(id: number): AbortSignal {
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
