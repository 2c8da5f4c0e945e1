/**
 * Applying advisories to installed plugins: a plugin installed from the advisory's registry
 * whose version is affected is, for `disable`, stopped and marked `failed` with the
 * advisory's text as the reason (audited, `plugin.failed` with `reason: "advisory"`); for
 * `warn`, announced once (`plugin.advisory`) and shown in `plugd plugin info` and `/metrics`.
 */
import { forceFail } from "../plugins/mod.ts";
import { advisoriesFor, allOrigins, type StoredAdvisory } from "../registry/mod.ts";
import type { Store } from "../store/mod.ts";
import type { MarketplaceHost } from "./types.ts";

/** One advisory applied to one plugin. */
export interface Applied {
  plugin: string;
  version: string;
  advisory: string;
  registry: string;
  action: "warn" | "disable";
}

/** The `failed_reason` a disabling advisory leaves. */
export function advisoryReason(a: StoredAdvisory): string {
  return `advisory ${a.id} (${a.severity}) from registry ${a.registry}: ${a.title}` +
    (a.fixed_in ? `; fixed in ${a.fixed_in}` : "");
}

/** Applies every advisory in force to the installed plugins; returns what was newly applied. */
export async function enforceAdvisories(host: MarketplaceHost): Promise<Applied[]> {
  const { store } = host;
  const origins = await allOrigins(store);
  const rs = await store.execute("SELECT id, version, state, failed_reason FROM plugins");
  const applied: Applied[] = [];
  for (const row of rs.rows) {
    const id = String(row.id);
    const version = String(row.version);
    const registry = origins.get(id) ?? null;
    for (const advisory of await advisoriesFor(store, id, version, registry)) {
      const reason = advisoryReason(advisory);
      if (advisory.action === "disable") {
        if (row.state === "failed" && row.failed_reason === reason) continue;
        await forceFail(host.plugins, store, id, {
          reason,
          actor: `registry:${advisory.registry}`,
          action: "plugin.advisory.disable",
          event: {
            reason: "advisory",
            message: reason,
            advisory: advisory.id,
            registry: advisory.registry,
            severity: advisory.severity,
          },
        });
        host.log(`plugin ${id} ${version} disabled: ${reason}`);
        await markApplied(store, advisory, id, version);
      } else {
        if (!(await markApplied(store, advisory, id, version))) continue;
        await host.emit("plugin.advisory", {
          plugin: id,
          version,
          advisory: advisory.id,
          registry: advisory.registry,
          severity: advisory.severity,
          action: "warn",
          title: advisory.title,
          description: advisory.description,
          fixed_in: advisory.fixed_in,
        });
      }
      applied.push({
        plugin: id,
        version,
        advisory: advisory.id,
        registry: advisory.registry,
        action: advisory.action,
      });
    }
  }
  return applied;
}

/** Records an application; false when it was recorded before (warn once). */
async function markApplied(
  store: Store,
  a: StoredAdvisory,
  plugin: string,
  version: string,
): Promise<boolean> {
  const rs = await store.execute({
    sql: `SELECT 1 FROM advisory_applied WHERE registry = ? AND seq = ? AND plugin_id = ?
            AND version = ?`,
    args: [a.registry, a.seq, plugin, version],
  });
  if (rs.rows.length > 0) return false;
  await store.write(() => ({
    statements: [{
      sql: `INSERT INTO advisory_applied (registry, seq, plugin_id, version, action, applied_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      args: [a.registry, a.seq, plugin, version, a.action, new Date().toISOString()],
    }],
  }));
  return true;
}
