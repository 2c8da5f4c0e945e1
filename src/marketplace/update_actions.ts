/** Updating several plugins at once, and setting a plugin's auto-update policy (audited). */
import { auditStatement } from "../audit/mod.ts";
import { setPolicyStatement, type UpdatePolicy } from "../registry/mod.ts";
import { applyUpdate, type UpdateOutcome } from "./apply_update.ts";
import { checkUpdates, type UpdateCheck } from "./outdated.ts";
import type { MarketplaceHost } from "./types.ts";

/** Updates the outdated plugins (or only `ids`) to their latest (or policy-wanted) version. */
export async function applyUpdates(
  host: MarketplaceHost,
  options: { ids?: string[]; to: "latest" | "wanted"; actor: string },
): Promise<{ results: UpdateOutcome[]; errors: UpdateCheck["errors"] }> {
  const check = await checkUpdates(host, { ids: options.ids });
  const results: UpdateOutcome[] = [];
  for (const info of check.updates) {
    const target = options.to === "latest" ? info.latest : info.wanted;
    if (target) results.push(await applyUpdate(host, info, target, options.actor));
  }
  return { results, errors: check.errors };
}

/** Sets plugin `id`'s auto-update policy (404 for an unknown plugin), audited. */
export async function setUpdatePolicy(
  host: MarketplaceHost,
  id: string,
  policy: UpdatePolicy,
  actor: string,
): Promise<{ id: string; auto_update: UpdatePolicy }> {
  await host.plugins.record(id);
  const { store } = host;
  await store.write(async () => ({
    statements: [
      setPolicyStatement(id, policy, actor),
      await auditStatement(store, {
        actor,
        action: "plugin.auto_update.policy",
        target: id,
        result: "ok",
        detail: { policy },
      }),
    ],
  }));
  return { id, auto_update: policy };
}
