/** Runtime states of plugin processes as the rest of the daemon needs them. */
import type { Supervisor } from "../runtime/mod.ts";

/**
 * The last runtime state (and reason) of every plugin, fanned out to listeners (the hook bus
 * parks and resumes deliveries on these), and whether a plugin can take a delivery now.
 */
export class RuntimeStates {
  #last = new Map<string, { state: string; reason?: string }>();
  #listeners: ((id: string, state: string) => void)[] = [];

  /** Records a change reported by the supervisor and tells the listeners. */
  changed(id: string, state: string, reason?: string): void {
    this.#last.set(id, { state, reason });
    for (const listener of this.#listeners) {
      try {
        listener(id, state);
      } catch { /* a listener's failure is its own */ }
    }
  }

  /** Adds a listener of every change. */
  watch(listener: (id: string, state: string) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Why `id` cannot take a call now, or null when it can: it is registered (enabled) and
   * neither failed nor restarting after a crash (stopped on-demand plugins start when called).
   */
  unavailable(supervisor: Supervisor, id: string): string | null {
    if (!supervisor.ids().includes(id)) return "the plugin is not enabled";
    const state = supervisor.state(id);
    const reason = this.#last.get(id)?.reason;
    if (state === "failed") return `the plugin failed${reason ? ` (${reason})` : ""}`;
    if (state === "backoff") {
      return `the plugin is restarting after a crash${reason ? ` (${reason})` : ""}`;
    }
    return null;
  }
}
