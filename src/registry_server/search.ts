/**
 * Marketplace search: full-text (SQLite FTS5, bm25-ranked over id, name, tags, description)
 * with filters by category, permission kinds and highest risk, sorted by relevance, downloads,
 * rating, last update or name. Only listed plugins appear: a visible version, an active
 * publisher, not banned.
 */
import type { InValue } from "@libsql/client";
import * as semver from "semver";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";
import { riskRank } from "../registry/mod.ts";

/** A search request (all optional). */
export interface SearchQuery {
  q?: string;
  category?: string;
  /** Permission kinds the plugin must request (all of them), e.g. `["net"]`. */
  permissions?: string[];
  /** Permission kinds it must not request, e.g. `["run", "write"]`. */
  without?: string[];
  /** Highest acceptable risk: `none`, `low`, `medium`, `high`, `critical`. */
  maxRisk?: string;
  /** @default "relevance" with q, else "downloads" */
  sort?: "relevance" | "downloads" | "rating" | "updated" | "name";
  featured?: boolean;
  /** @default 20, at most 100 */
  limit?: number;
  offset?: number;
}

/** One plugin in search results. */
export interface SearchHit {
  id: string;
  name: string;
  description: string;
  latest: string;
  /** Installable versions (published, not yanked), highest first. */
  versions: string[];
  publisher: string;
  verified: boolean;
  categories: string[];
  tags: string[];
  downloads: number;
  rating: number;
  rating_count: number;
  max_risk: string;
  permission_kinds: string[];
  featured: boolean;
  deprecated: string | null;
  updated_at: string;
}

const SORTS = {
  relevance: "hits.score, p.downloads DESC, p.id",
  downloads: "p.downloads DESC, p.id",
  // A Bayesian average (three votes of 3 added): one 5-star review does not outrank fifty 4.8s.
  rating: "(p.rating_sum + 9.0) / (p.rating_count + 3) DESC, p.rating_count DESC, p.id",
  updated: "p.updated_at DESC, p.id",
  name: "p.id",
} as const;
const KIND = /^(net|read|write|env|sys|run|emit)$/;

/** Turns what a user typed into an FTS5 query: every word as a quoted prefix, all required. */
export function ftsQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `"${w.slice(0, 40)}"*`).join(" ");
}

/**
 * Runs a search; returns the page and the total number of matches.
 *
 * @example
 * ```ts
 * const { total, plugins } = await searchPlugins(store, { q: "slack", maxRisk: "medium" });
 * ```
 */
export async function searchPlugins(
  store: Store,
  query: SearchQuery,
): Promise<{ total: number; plugins: SearchHit[] }> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 20), 1), 100);
  const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
  const match = query.q ? ftsQuery(query.q) : null;
  const sort = query.sort ?? (match ? "relevance" : "downloads");
  if (!(sort in SORTS)) {
    throw new HttpError(400, `sort must be one of ${Object.keys(SORTS).join(", ")}`);
  }
  const where = [
    "p.latest IS NOT NULL",
    "p.banned_at IS NULL",
    "EXISTS (SELECT 1 FROM publishers u WHERE u.name = p.publisher AND u.status = 'active')",
  ];
  const args: InValue[] = [];
  let from = "plugins p";
  let score = "0";
  if (match) {
    from = "plugins_fts JOIN plugins p ON p.rowid = plugins_fts.rowid";
    where.push("plugins_fts MATCH ?");
    args.push(match);
    // Column weights: id 10, name 5, tags 3, description 1; an exact id ranks first.
    score = "(CASE WHEN p.id = ? THEN -1000 ELSE 0 END) + bm25(plugins_fts, 10.0, 5.0, 3.0, 1.0)";
  }
  if (query.category) {
    where.push(
      "EXISTS (SELECT 1 FROM plugin_categories c WHERE c.category = ? AND c.plugin_id = p.id)",
    );
    args.push(query.category);
  }
  for (const kind of query.permissions ?? []) {
    checkKind(kind);
    where.push("(' ' || p.permission_kinds || ' ') LIKE ?");
    args.push(`% ${kind} %`);
  }
  for (const kind of query.without ?? []) {
    checkKind(kind);
    where.push("(' ' || p.permission_kinds || ' ') NOT LIKE ?");
    args.push(`% ${kind} %`);
  }
  if (query.maxRisk !== undefined) {
    const rank = riskRank(query.maxRisk);
    if (rank < 0) throw new HttpError(400, "max_risk must be none, low, medium, high or critical");
    where.push("p.risk_rank <= ?");
    args.push(rank);
  }
  if (query.featured) where.push("p.featured > 0");
  const order = query.featured ? `p.featured, ${SORTS[sort]}` : SORTS[sort];
  const scoreArgs: InValue[] = match ? [query.q!.trim().toLowerCase()] : [];
  // bm25() cannot run next to a window function: rank the matches first (materialized), then
  // page them with the total count.
  const rs = await store.execute({
    sql: `WITH hits AS MATERIALIZED (
            SELECT p.rowid AS rid, ${score} AS score FROM ${from} WHERE ${where.join(" AND ")}
          )
          SELECT p.id, p.name, p.description, p.latest, p.publisher, p.categories, p.tags,
            p.downloads, p.rating, p.rating_count, p.max_risk, p.permission_kinds, p.featured,
            p.deprecated, p.updated_at, hits.score,
            (SELECT verified FROM publishers u WHERE u.name = p.publisher) AS verified,
            (SELECT json_group_array(v.version) FROM versions v WHERE v.plugin_id = p.id
               AND v.status = 'published' AND v.yanked_at IS NULL AND v.banned_at IS NULL)
              AS versions,
            count(*) OVER () AS total
          FROM hits JOIN plugins p ON p.rowid = hits.rid
          ORDER BY ${order} LIMIT ? OFFSET ?`,
    args: [...scoreArgs, ...args, limit, offset],
  });
  const total = Number(rs.rows[0]?.total ?? 0);
  return {
    total: rs.rows.length === 0 && offset > 0 ? await countOnly(store, from, where, args) : total,
    plugins: rs.rows.map(toHit),
  };
}

function checkKind(kind: string): void {
  if (!KIND.test(kind)) {
    throw new HttpError(
      400,
      `"${kind}" is not a permission kind (net, read, write, env, sys, run, emit)`,
    );
  }
}

async function countOnly(
  store: Store,
  from: string,
  where: string[],
  args: InValue[],
): Promise<number> {
  const rs = await store.execute({
    sql: `SELECT count(*) AS n FROM ${from} WHERE ${where.join(" AND ")}`,
    args,
  });
  return Number(rs.rows[0]?.n ?? 0);
}

function toHit(r: Record<string, unknown>): SearchHit {
  return {
    id: String(r.id),
    name: String(r.name),
    description: String(r.description),
    latest: String(r.latest),
    versions: (JSON.parse(String(r.versions ?? "[]")) as string[])
      .filter((v) => semver.valid(v)).sort(semver.rcompare),
    publisher: String(r.publisher),
    verified: Number(r.verified) === 1,
    categories: JSON.parse(String(r.categories)),
    tags: String(r.tags).split(" ").filter(Boolean),
    downloads: Number(r.downloads),
    rating: Math.round(Number(r.rating) * 100) / 100,
    rating_count: Number(r.rating_count),
    max_risk: String(r.max_risk),
    permission_kinds: String(r.permission_kinds).split(" ").filter(Boolean),
    featured: Number(r.featured) > 0,
    deprecated: r.deprecated === null ? null : String(r.deprecated),
    updated_at: String(r.updated_at),
  };
}

/** Categories with the number of listed plugins in each. */
export async function listCategories(store: Store): Promise<{ name: string; count: number }[]> {
  const rs = await store.execute(
    `SELECT c.category AS name, count(*) AS count FROM plugin_categories c
     JOIN plugins p ON p.id = c.plugin_id
     WHERE p.latest IS NOT NULL AND p.banned_at IS NULL
     GROUP BY c.category ORDER BY count DESC, name`,
  );
  return rs.rows.map((r) => ({ name: String(r.name), count: Number(r.count) }));
}
