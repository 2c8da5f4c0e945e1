/** Marketplace: search every configured registry, with filters; one row per registry offer. */
import type { Child } from "hono/jsx";
import { Empty, RiskPill, T, TableWrap } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** One search result as the daemon's catalog gives it. */
export interface CatalogRow {
  id: string;
  name: string;
  description: string;
  latest: string;
  registry: string;
  publisher: string | null;
  verified: boolean;
  downloads: number | null;
  rating: number | null;
  rating_count: number | null;
  max_risk: string | null;
  deprecated: string | null;
  installed?: string | null;
}

/** The search form's values. */
export interface CatalogFilters {
  q: string;
  category: string;
  max_risk: string;
  sort: string;
}

const RISKS = ["", "none", "low", "medium", "high", "critical"];
const SORTS = ["", "relevance", "downloads", "rating", "updated", "name"];

/** The marketplace search page. */
export function MarketplacePage(props: {
  ctx: PageContext;
  filters: CatalogFilters;
  plugins: CatalogRow[];
  errors: { registry: string; message: string }[];
}): Child {
  const { ctx, filters, plugins, errors } = props;
  return (
    <Layout ctx={ctx} title="Marketplace" active="marketplace">
      <div class="page-head">
        <h1>Marketplace</h1>
        <a class="button" href="/ui/updates">Updates</a>
      </div>
      <form class="filters" method="get" action="/ui/marketplace" role="search">
        <label for="m-q">Search</label>
        <input id="m-q" name="q" type="search" value={filters.q} placeholder="name, tag, text" />
        <label for="m-cat">Category</label>
        <input id="m-cat" name="category" value={filters.category} size={12} />
        <label for="m-risk">Highest risk</label>
        <select id="m-risk" name="max_risk">
          {RISKS.map((r) => (
            <option value={r} selected={r === filters.max_risk}>{r || "any"}</option>
          ))}
        </select>
        <label for="m-sort">Sort</label>
        <select id="m-sort" name="sort">
          {SORTS.map((s) => (
            <option value={s} selected={s === filters.sort}>{s || "default"}</option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      {errors.map((e) => (
        <p class="flash flash-error" role="alert">
          Registry <T v={e.registry} /> could not be searched: <T v={e.message} />
        </p>
      ))}
      {plugins.length === 0
        ? <Empty>No plugin matches.</Empty>
        : (
          <TableWrap label="Plugins offered by the registries">
            <table class="marketplace">
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Latest</th>
                  <th scope="col">Registry</th>
                  <th scope="col">Publisher</th>
                  <th scope="col">Rating</th>
                  <th scope="col">Downloads</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Installed</th>
                </tr>
              </thead>
              <tbody>
                {plugins.map((p) => (
                  <tr data-plugin={p.id} data-registry={p.registry}>
                    <td>
                      <a
                        href={`/ui/marketplace/${encodeURIComponent(p.id)}?registry=${
                          encodeURIComponent(p.registry)
                        }`}
                      >
                        <T v={p.name || p.id} />
                      </a>
                      <div class="muted small mono">{p.id}</div>
                      <div class="muted small clamp">
                        <T v={p.description} />
                      </div>
                      {p.deprecated && (
                        <div class="small warn">
                          deprecated: <T v={p.deprecated} />
                        </div>
                      )}
                    </td>
                    <td class="mono">
                      <T v={p.latest} />
                    </td>
                    <td>
                      <T v={p.registry} />
                    </td>
                    <td>
                      {p.publisher ? <T v={p.publisher} /> : "—"}
                      {p.verified && <span class="badge badge-ok">verified</span>}
                    </td>
                    <td>
                      {p.rating === null ? "—" : `${p.rating.toFixed(1)} (${p.rating_count ?? 0})`}
                    </td>
                    <td>{p.downloads ?? "—"}</td>
                    <td>{p.max_risk ? <RiskPill level={p.max_risk} /> : "—"}</td>
                    <td class="mono">{p.installed ? <T v={p.installed} /> : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
    </Layout>
  );
}
