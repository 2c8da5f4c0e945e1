/**
 * What was granted before an update that waits for a new grant. The update clears the grant, so
 * the audit log is where the previous one is: the newest `plugin.grant` before the pending
 * `plugin.update` (none when the newest lifecycle row is not such an update).
 */
import { queryAudit } from "../../audit/mod.ts";
import type { Store } from "../../store/mod.ts";

/** The grant in force before a pending widening update, or null. */
export async function previousGrant(
  store: Store,
  id: string,
): Promise<Record<string, string[]> | null> {
  const rows = await queryAudit(store, {
    target: id,
    action: "plugin.*",
    limit: 50,
    newestFirst: true,
  });
  const lifecycle = rows.filter((r) => /^plugin\.(install|update|grant)$/.test(r.action));
  if (lifecycle[0]?.action !== "plugin.update" || lifecycle[0].result !== "awaiting_grant") {
    return null;
  }
  const grant = lifecycle.find((r) => r.action === "plugin.grant");
  const permissions = grant?.detail?.permissions;
  return permissions && typeof permissions === "object"
    ? permissions as Record<string, string[]>
    : null;
}
