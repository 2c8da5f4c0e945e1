/** What `GET /v1/advisories` shows: each followed feed's state and every advisory with what it affects here. */
import { advisoriesFor, listAdvisories } from "../registry/mod.ts";
import type { AdvisoryWatcher } from "./advisory_watcher.ts";
import type { MarketplaceHost } from "./types.ts";

/** The feeds (entry reached, last poll) and advisories (with the installed plugins they affect). */
export async function advisoryReport(
  host: MarketplaceHost,
  watcher: AdvisoryWatcher,
): Promise<Record<string, unknown>> {
  const { store } = host;
  const feeds = await store.execute("SELECT * FROM advisory_feeds");
  const byName = new Map(feeds.rows.map((r) => [String(r.registry), r]));
  const installed = await store.execute(
    `SELECT p.id, p.version, p.state, o.registry FROM plugins p
     JOIN plugin_origins o ON o.plugin_id = p.id`,
  );
  const affected = new Map<string, { plugin: string; version: string; state: string }[]>();
  for (const row of installed.rows) {
    const [id, version, registry] = [String(row.id), String(row.version), String(row.registry)];
    for (const a of await advisoriesFor(store, id, version, registry)) {
      const key = `${a.registry}/${a.id}`;
      affected.set(key, [...(affected.get(key) ?? []), {
        plugin: id,
        version,
        state: String(row.state),
      }]);
    }
  }
  return {
    registries: host.config.registries.filter((r) => r.kind === "server").map((r) => {
      const feed = byName.get(r.name);
      return {
        name: r.name,
        url: r.url,
        followed: r.advisoryKey !== null,
        seq: feed ? Number(feed.seq) : 0,
        generated_at: feed?.generated_at ?? null,
        accepted_at: feed?.accepted_at ?? null,
        ...watcher.status(r.name),
      };
    }),
    advisories: (await listAdvisories(store)).map((a) => ({
      ...a,
      affects: affected.get(`${a.registry}/${a.id}`) ?? [],
    })),
  };
}
