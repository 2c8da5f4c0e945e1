/**
 * The SDK's lifecycle hooks as the service calls them: only on a running plugin, best effort (a
 * failure is logged, never fatal), and `onInstall` once per installation.
 */
import type { Supervisor } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import type { LogRings } from "./log_ring.ts";
import { installHookPending, markInstallHookRan } from "./plugin_state.ts";

/** What calling a hook needs: the runtime state, the (recorded) call, the plugin's log. */
export interface LifecycleDeps {
  supervisor: Pick<Supervisor, "counters">;
  invoke(
    id: string,
    kind: "lifecycle",
    name: string,
    payload?: unknown,
    options?: { tenant?: string },
  ): Promise<unknown>;
  logs: Pick<LogRings, "system">;
}

/**
 * Calls lifecycle hook `name` (`onDisable`, `onUpdate`, ...) when the plugin is running; a
 * failure goes to the plugin's log as a warning. With `options.tenant`, the hook runs for that
 * tenant (`ctx.tenant`, the tenant's config): a tenant's `onConfigChange`.
 *
 * @example
 * ```ts
 * await callLifecycle(service, "hello", "onDisable");
 * ```
 */
export async function callLifecycle(
  deps: LifecycleDeps,
  id: string,
  name: string,
  payload?: unknown,
  options: { tenant?: string } = {},
): Promise<void> {
  if (deps.supervisor.counters(id)?.state !== "running") return;
  const { tenant } = options;
  const what = tenant ? `${name} for tenant ${tenant}` : name;
  await deps.invoke(id, "lifecycle", name, payload, tenant ? { tenant } : undefined).catch(
    (error: Error) => deps.logs.system(id, "warn", `${what} failed: ${error.message}`),
  );
}

/** `onInstall` runs once per installation, at its first successful start. */
export async function runInstallHookOnce(
  deps: LifecycleDeps,
  store: Store,
  id: string,
): Promise<void> {
  if (!await installHookPending(store, id)) return;
  await callLifecycle(deps, id, "onInstall");
  await markInstallHookRan(store, id);
}
