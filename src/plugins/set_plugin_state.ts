import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { setStateStatement } from "./repository.ts";
import type { PluginState } from "./types.ts";

/** Moves a plugin to `state` and audits it, in one batch. */
export async function setPluginState(
  store: Store,
  change: { id: string; state: PluginState; actor: string; action: string; reason: string | null },
): Promise<void> {
  const { id, state, actor, action, reason } = change;
  await store.write(async () => ({
    statements: [
      setStateStatement(id, state, reason),
      await auditStatement(store, {
        actor,
        action,
        target: id,
        result: "ok",
        detail: reason ? { reason } : undefined,
      }),
    ],
  }));
}
