/**
 * The daemon's copy of each registry's advisory feed: the position it accepted (seq and head
 * hash, so an older or rewritten feed is refused) and the entries, with withdrawn ones marked.
 */
import type { InStatement } from "@libsql/client";
import * as semver from "semver";
import type { Store } from "../store/mod.ts";
import type { AdvisoryFeed, FeedPosition } from "./advisory_feed.ts";

/** An advisory as the daemon keeps it. */
export interface StoredAdvisory {
  registry: string;
  seq: number;
  id: string;
  plugin: string;
  versions: string;
  severity: string;
  action: "warn" | "disable";
  title: string;
  description: string;
  fixed_in: string | null;
  url: string | null;
  published_at: string;
  withdrawn: boolean;
}

/** Where the accepted copy of `registry`'s feed ends (seq 0 before the first feed). */
export async function feedPosition(store: Store, registry: string): Promise<FeedPosition> {
  const rs = await store.execute({
    sql: "SELECT seq, head FROM advisory_feeds WHERE registry = ?",
    args: [registry],
  });
  const row = rs.rows[0];
  return row ? { seq: Number(row.seq), head: String(row.head) } : { seq: 0, head: "" };
}

/** The statements storing a verified feed's new entries and position (one batch). */
export function acceptFeedStatements(
  registry: string,
  feed: AdvisoryFeed,
  from: number,
): InStatement[] {
  const now = new Date().toISOString();
  const statements: InStatement[] = [];
  for (const e of feed.advisories.slice(from)) {
    statements.push({
      sql: `INSERT INTO advisories (registry, seq, id, plugin, versions, severity, action, title,
              description, fixed_in, url, withdraws, published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      args: [
        registry,
        e.seq,
        e.id,
        e.plugin,
        e.versions,
        e.severity,
        e.action,
        e.title,
        e.description,
        e.fixed_in,
        e.url,
        e.withdraws,
        e.published_at,
      ],
    });
    if (e.action === "withdraw" && e.withdraws) {
      statements.push({
        sql: "UPDATE advisories SET withdrawn_at = ? WHERE registry = ? AND id = ?",
        args: [e.published_at, registry, e.withdraws],
      });
    }
  }
  statements.push({
    sql: `INSERT INTO advisory_feeds (registry, key_id, seq, head, generated_at, accepted_at)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (registry) DO UPDATE SET key_id = excluded.key_id, seq = excluded.seq,
            head = excluded.head, generated_at = excluded.generated_at,
            accepted_at = excluded.accepted_at`,
    args: [registry, feed.key_id, feed.seq, feed.head, feed.generated_at, now],
  });
  return statements;
}

function toAdvisory(r: Record<string, unknown>): StoredAdvisory {
  return {
    registry: String(r.registry),
    seq: Number(r.seq),
    id: String(r.id),
    plugin: String(r.plugin),
    versions: String(r.versions),
    severity: String(r.severity),
    action: r.action as "warn" | "disable",
    title: String(r.title),
    description: String(r.description),
    fixed_in: r.fixed_in === null ? null : String(r.fixed_in),
    url: r.url === null ? null : String(r.url),
    published_at: String(r.published_at),
    withdrawn: r.withdrawn_at !== null,
  };
}

/** Every advisory kept (withdrawals themselves left out), newest first. */
export async function listAdvisories(store: Store): Promise<StoredAdvisory[]> {
  const rs = await store.execute(
    "SELECT * FROM advisories WHERE action != 'withdraw' ORDER BY published_at DESC, seq DESC",
  );
  return rs.rows.map((r) => toAdvisory(r as Record<string, unknown>));
}

/**
 * The advisories in force for `plugin@version` from `registry` (the registry it was installed
 * from; advisories of other registries do not apply to it).
 */
export async function advisoriesFor(
  store: Store,
  plugin: string,
  version: string,
  registry: string | null,
): Promise<StoredAdvisory[]> {
  if (registry === null) return [];
  const rs = await store.execute({
    sql: `SELECT * FROM advisories WHERE plugin = ? AND registry = ? AND action != 'withdraw'
            AND withdrawn_at IS NULL ORDER BY seq`,
    args: [plugin, registry],
  });
  return rs.rows.map((r) => toAdvisory(r as Record<string, unknown>)).filter((a) =>
    semver.satisfies(version, a.versions, { includePrerelease: true })
  );
}

/** The first `disable` advisory in force for `plugin@version` from `registry`, or null. */
export async function blockingAdvisory(
  store: Store,
  plugin: string,
  version: string,
  registry: string | null,
): Promise<StoredAdvisory | null> {
  return (await advisoriesFor(store, plugin, version, registry)).find((a) =>
    a.action === "disable"
  ) ?? null;
}
