/**
 * `/metrics` series of the marketplace: advisories in force per installed plugin (a `warn`
 * shows here as well as in `plugd plugin info`) and each registry feed's accepted position.
 */
import { metrics } from "../metrics/mod.ts";
import { advisoriesFor, allOrigins } from "../registry/mod.ts";
import type { Store } from "../store/mod.ts";

const advisories = metrics.gauge(
  "plugd_plugin_advisories",
  "1 per registry advisory in force for the installed version (labels: advisory, severity, action)",
);
const feedSeq = metrics.gauge(
  "plugd_registry_advisory_seq",
  "Last advisory feed entry accepted from the registry",
);

/** Refreshes the marketplace gauges at each scrape. */
export function collectMarketplaceMetrics(store: Store): void {
  metrics.onCollect(async () => {
    advisories.reset();
    feedSeq.reset();
    const origins = await allOrigins(store);
    const rs = await store.execute("SELECT id, version FROM plugins");
    for (const row of rs.rows) {
      const id = String(row.id);
      for (
        const a of await advisoriesFor(store, id, String(row.version), origins.get(id) ?? null)
      ) {
        advisories.set({
          plugin: id,
          advisory: a.id,
          registry: a.registry,
          severity: a.severity,
          action: a.action,
        }, 1);
      }
    }
    const feeds = await store.execute("SELECT registry, seq FROM advisory_feeds");
    for (const f of feeds.rows) feedSeq.set({ registry: String(f.registry) }, Number(f.seq));
  });
}
