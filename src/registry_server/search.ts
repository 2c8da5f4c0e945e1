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
import { permissionMask } from "./plugin_summary.ts";

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
  // A Bayesian average (three votes of 3 added, kept in rating_score): one 5-star review does not
  // outrank fifty 4.8s.
  rating: "p.rating_score DESC, p.rating_count DESC, p.id",
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
  const { where, args } = filters(query);
  const order = query.featured ? `p.featured, ${SORTS[sort]}` : SORTS[sort];
  const page = match
    ? await textPage(store, match, query.q!, where, args, order, limit, offset)
    : await browsePage(store, where, args, order, limit, offset);
  return {
    total: page.total,
    plugins: page.rows.map(toHit),
  };
}

/** The WHERE conditions (on `plugins p`) and their arguments. */
function filters(query: SearchQuery): { where: string[]; args: InValue[] } {
  const where = ["p.listed = 1"];
  const args: InValue[] = [];
  if (query.category) {
    // IN (list) lets SQLite use (listed, id) for the count instead of probing every plugin.
    where.push("p.id IN (SELECT plugin_id FROM plugin_categories WHERE category = ?)");
    args.push(query.category);
  }
  const required = permissionMask((query.permissions ?? []).map(checkKind));
  if (required) {
    where.push("(p.permission_mask & ?) = ?");
    args.push(required, required);
  }
  const excluded = permissionMask((query.without ?? []).map(checkKind));
  if (excluded) {
    where.push("(p.permission_mask & ?) = 0");
    args.push(excluded);
  }
  if (query.maxRisk !== undefined) {
    const rank = riskRank(query.maxRisk);
    if (rank < 0) throw new HttpError(400, "max_risk must be none, low, medium, high or critical");
    where.push("p.risk_rank <= ?");
    args.push(rank);
  }
  if (query.featured) where.push("p.featured > 0");
  return { where, args };
}

/** The page's columns, with the publisher badge and installable versions looked up per row. */
const COLUMNS = `p.id, p.name, p.description, p.latest, p.publisher, p.categories, p.tags,
  p.downloads, p.rating, p.rating_count, p.max_risk, p.permission_kinds, p.featured,
  p.deprecated, p.updated_at,
  (SELECT verified FROM publishers u WHERE u.name = p.publisher) AS verified,
  (SELECT json_group_array(v.version) FROM versions v WHERE v.plugin_id = p.id
     AND v.status = 'published' AND v.yanked_at IS NULL AND v.banned_at IS NULL) AS versions`;

type Page = { total: number; rows: Record<string, unknown>[] };

/**
 * Browsing (no text): the page straight from the index of its sort order (only the page's rows
 * are read), and the total from a count over the filter index.
 */
async function browsePage(
  store: Store,
  where: string[],
  args: InValue[],
  order: string,
  limit: number,
  offset: number,
): Promise<Page> {
  const rs = await store.execute({
    // No window function here: it would make SQLite read every match before the LIMIT.
    sql: `WITH page AS MATERIALIZED (
            SELECT p.rowid AS rid FROM plugins p
            WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?
          )
          SELECT ${COLUMNS} FROM page JOIN plugins p ON p.rowid = page.rid ORDER BY ${order}`,
    args: [...args, limit, offset],
  });
  const count = await store.execute({
    sql: `SELECT count(*) AS n FROM plugins p WHERE ${where.join(" AND ")}`,
    args,
  });
  return { total: Number(count.rows[0]?.n ?? 0), rows: rs.rows as Record<string, unknown>[] };
}

/**
 * Text search: FTS5 matches ranked by bm25 (id 10, name 5, tags 3, description 1; an exact id
 * first). The matches come from the full-text index alone (materialized, so the planner never
 * drives the search from the plugins table), then are filtered, ordered and paged with the total
 * (bm25() cannot run next to a window function), and only the page's extra columns are looked up.
 */
async function textPage(
  store: Store,
  match: string,
  q: string,
  where: string[],
  args: InValue[],
  order: string,
  limit: number,
  offset: number,
): Promise<Page> {
  const rs = await store.execute({
    sql: `WITH hits AS MATERIALIZED (
            SELECT rowid AS rid,
              (CASE WHEN id = ? THEN -1000 ELSE 0 END) + bm25(plugins_fts, 10.0, 5.0, 3.0, 1.0)
                AS score
            FROM plugins_fts WHERE plugins_fts MATCH ?
          ),
          page AS MATERIALIZED (
            SELECT p.rowid AS rid, count(*) OVER () AS total,
              row_number() OVER (ORDER BY ${order}) AS n
            FROM hits JOIN plugins p ON p.rowid = hits.rid
            WHERE ${where.join(" AND ")}
            ORDER BY n LIMIT ? OFFSET ?
          )
          SELECT ${COLUMNS}, page.total FROM page JOIN plugins p ON p.rowid = page.rid
          ORDER BY page.n`,
    args: [q.trim().toLowerCase(), match, ...args, limit, offset],
  });
  const first = rs.rows[0];
  if (first) return { total: Number(first.total), rows: rs.rows as Record<string, unknown>[] };
  if (offset === 0) return { total: 0, rows: [] };
  const count = await store.execute({
    sql: `WITH hits AS MATERIALIZED (SELECT rowid AS rid FROM plugins_fts WHERE plugins_fts MATCH ?)
          SELECT count(*) AS n FROM hits JOIN plugins p ON p.rowid = hits.rid
          WHERE ${where.join(" AND ")}`,
    args: [match, ...args],
  });
  return { total: Number(count.rows[0]?.n ?? 0), rows: [] };
}

function checkKind(kind: string): string {
  if (!KIND.test(kind)) {
    throw new HttpError(
      400,
      `"${kind}" is not a permission kind (net, read, write, env, sys, run, emit)`,
    );
  }
  return kind;
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
