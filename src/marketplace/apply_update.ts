/**
 * Applying one update through the daemon's update flow (the same as `plugd plugin update`):
 * a widening update waits for a grant, a version that fails its health check is rolled back.
 */
import { auditStatement } from "../audit/mod.ts";
import type { MarketplaceHost } from "./types.ts";
import type { UpdateInfo, UpdateTarget } from "./outdated.ts";

/** What became of one update. */
export interface UpdateOutcome {
  id: string;
  from: string;
  to: string;
  result: "updated" | "awaiting_grant" | "rolled_back" | "failed" | "needs_grant";
  permissions_diff: string;
  detail?: string;
}

/** Updates `info.id` to `target` as `actor`; never throws (the outcome says what happened). */
export async function applyUpdate(
  host: MarketplaceHost,
  info: UpdateInfo,
  target: UpdateTarget,
  actor: string,
): Promise<UpdateOutcome> {
  const base = {
    id: info.id,
    from: info.installed,
    to: target.version,
    permissions_diff: target.permissions_diff,
  };
  try {
    const view = await host.plugins.update(info.id, `@${target.version}`, actor);
    return { ...base, result: view.awaiting_grant ? "awaiting_grant" : "updated" };
  } catch (error) {
    const detail = (error as Error).message;
    return { ...base, result: /was restored/.test(detail) ? "rolled_back" : "failed", detail };
  }
}

/** Audits an automatic decision (`plugin.auto_update`). */
export async function auditAutoUpdate(
  host: MarketplaceHost,
  outcome: UpdateOutcome,
): Promise<void> {
  const { store } = host;
  await store.write(async () => ({
    statements: [
      await auditStatement(store, {
        actor: "daemon:auto-update",
        action: "plugin.auto_update",
        target: outcome.id,
        result: outcome.result,
        detail: {
          from: outcome.from,
          to: outcome.to,
          permissions: outcome.permissions_diff,
          ...(outcome.detail ? { detail: outcome.detail } : {}),
        },
      }),
    ],
  }));
}
