/** Plugins: every installed plugin with state, version, provenance, risk and counters. */
import type { Child } from "hono/jsx";
import { AddonBadge } from "../ui/addon_panel.tsx";
import { Empty, RiskPill, StateBadge, T, TableWrap } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import { Counters } from "../ui/live_fragments.tsx";
import type { PageContext } from "../ui/page.ts";
import type { PluginSummary } from "../types.ts";

/** States offered by the filter (lifecycle, then runtime). */
export const STATE_FILTERS = ["enabled", "installed", "disabled", "failed", "running", "backoff"];

/** Whether `p` matches the filter and the search text. */
export function matches(p: PluginSummary, state: string, q: string): boolean {
  if (state && p.state !== state && p.runtime !== state) return false;
  if (!q) return true;
  const text = `${p.id} ${p.name ?? ""} ${p.description}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).every((word) => text.includes(word));
}

/** The plugins list page. */
export function PluginsPage(
  props: {
    ctx: PageContext;
    plugins: PluginSummary[];
    list: { total: number; matching: number; page: number; pages: number };
    state: string;
    q: string;
  },
): Child {
  const { ctx, plugins, state, q, list } = props;
  const link = (page: number) =>
    `/ui/plugins?${new URLSearchParams({
      ...(state ? { state } : {}),
      ...(q ? { q } : {}),
      page: String(page),
    })}`;
  return (
    <Layout ctx={ctx} title="Plugins" active="plugins" live>
      <div class="page-head">
        <h1>Plugins</h1>
        {ctx.can.operate && <a class="button primary" href="/ui/install">Install a plugin</a>}
      </div>
      <form class="filters" method="get" action="/ui/plugins" role="search">
        <label for="f-state">State</label>
        <select id="f-state" name="state">
          <option value="">any</option>
          {STATE_FILTERS.map((s) => <option value={s} selected={s === state}>{s}</option>)}
        </select>
        <label for="f-q">Search</label>
        <input id="f-q" name="q" type="search" value={q} placeholder="id, name or description" />
        <button type="submit">Filter</button>
        <span class="muted">
          {list.matching} of {list.total}
        </span>
      </form>
      {plugins.length === 0
        ? <Empty>{list.total === 0 ? "No plugin is installed yet." : "No plugin matches."}</Empty>
        : (
          <TableWrap label="Installed plugins">
            <table class="plugins">
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Version</th>
                  <th scope="col">State</th>
                  <th scope="col">Signed by</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Activity</th>
                </tr>
              </thead>
              <tbody>
                {plugins.map((p) => (
                  <tr data-plugin={p.id}>
                    <td>
                      <a href={`/ui/plugins/${p.id}`}>
                        <T v={p.name ?? p.id} />
                      </a>
                      <div class="muted small mono">{p.id}</div>
                      <div class="muted small clamp">
                        <T v={p.description} />
                      </div>
                    </td>
                    <td class="mono">
                      <T v={p.version} />
                    </td>
                    <td>
                      <span sse-swap={`state-${p.id}`}>
                        <StateBadge state={p.state} runtime={p.runtime} />
                      </span>
                      {!p.granted && <div class="small muted">not granted</div>}
                      {p.addon && (
                        <div class="small" data-addon-status>
                          addon <AddonBadge value={p.addon.status} />{" "}
                          <AddonBadge value={p.addon.health} />
                        </div>
                      )}
                    </td>
                    <td class="mono small">
                      {p.signed_by ? <T v={p.signed_by} /> : <span class="warn">unsigned</span>}
                    </td>
                    <td>
                      <RiskPill level={p.risk ?? "low"} />
                    </td>
                    <td sse-swap={`counters-${p.id}`}>
                      <Counters p={p} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      {list.pages > 1 && (
        <nav class="pager" aria-label="Pages">
          {list.page > 1 && <a href={link(list.page - 1)} rel="prev">Previous</a>}
          <span>
            page {list.page} of {list.pages}
          </span>
          {list.page < list.pages && <a href={link(list.page + 1)} rel="next">Next</a>}
        </nav>
      )}
    </Layout>
  );
}
