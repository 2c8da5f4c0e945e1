/**
 * Stopping a plugin at once and marking it `failed` with a reason (a registry advisory that
 * disables its version): none of its hooks runs on the way down, the change is audited and
 * `plugin.failed` is emitted.
 */
import type { Store } from "../store/mod.ts";
import type { PluginService } from "./plugin_service.ts";
import { setPluginState } from "./plugin_state.ts";

/** What a forced failure records. */
export interface ForcedFailure {
  reason: string;
  actor: string;
  /** Audit action, e.g. `plugin.advisory.disable`. */
  action: string;
  /** Extra fields of the `plugin.failed` event. */
  event?: Record<string, unknown>;
}

/**
 * Stops `id`'s process (if any) and moves it to `failed` with `change.reason`.
 *
 * @example
 * ```ts
 * await forceFail(plugins, store, "acme-x", { reason, actor: "registry:corp", action: "plugin.advisory.disable" });
 * ```
 */
export async function forceFail(
  plugins: PluginService,
  store: Store,
  id: string,
  change: ForcedFailure,
): Promise<void> {
  await plugins.record(id); // 404 for an unknown plugin
  if (plugins.supervisor.ids().includes(id)) await plugins.supervisor.unregister(id);
  await setPluginState(store, {
    id,
    state: "failed",
    actor: change.actor,
    action: change.action,
    reason: change.reason,
  });
  plugins.recordChanged(id);
  await plugins.events.emitSystemEvent("plugin.failed", {
    plugin: id,
    reason: change.reason,
    ...change.event,
  });
}
