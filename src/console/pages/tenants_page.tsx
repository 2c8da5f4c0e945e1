/** Tenants: each with the plugins that run for it by name; plugins for every tenant once. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Empty, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** A tenant as `GET /v1/tenants/{id}` describes it. */
export interface TenantView {
  id: string;
  name: string;
  created_at: string;
  created_by: string;
  plugins: { id: string; state: string; via: "tenant" | "all" }[];
}

function PluginLinks(props: { plugins: TenantView["plugins"] }): Child {
  if (props.plugins.length === 0) return <span class="muted">none by name</span>;
  return (
    <span class="mono">
      {props.plugins.map((p, i) => (
        <>
          {i > 0 && ", "}
          <a href={`/ui/plugins/${encodeURIComponent(p.id)}`}>{inert(p.id)}</a>
          {p.state !== "enabled" && <span class="muted">({inert(p.state)})</span>}
        </>
      ))}
    </span>
  );
}

/** The tenants page (read-only: tenants are added and removed with `plugd tenant`). */
export function TenantsPage(props: { ctx: PageContext; tenants: TenantView[] }): Child {
  const { ctx, tenants } = props;
  const forAll = tenants[0]?.plugins.filter((p) => p.via === "all") ?? [];
  return (
    <Layout ctx={ctx} title="Tenants" active="tenants">
      <h1>Tenants</h1>
      <Section title="Tenants" id="tenants">
        {tenants.length === 0
          ? (
            <Empty>
              No tenants. Every plugin runs for everything. Add one with{" "}
              <code>plugd tenant add acme</code>, then{" "}
              <code>plugd plugin enable &lt;plugin&gt; --tenant acme</code>.
            </Empty>
          )
          : (
            <TableWrap label="Tenants">
              <table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Name</th>
                    <th>Plugins by name</th>
                    <th>Added</th>
                  </tr>
                </thead>
                <tbody>
                  {tenants.map((t) => (
                    <tr id={`tenant-${inert(t.id)}`}>
                      <td class="mono">{inert(t.id)}</td>
                      <td>{inert(t.name)}</td>
                      <td>
                        <PluginLinks plugins={t.plugins.filter((p) => p.via === "tenant")} />
                      </td>
                      <td>
                        <Time value={t.created_at} />{" "}
                        <span class="muted">by {inert(t.created_by)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        {tenants.length > 0 && (
          <p>
            Plugins for every tenant (and for events without one): <PluginLinks plugins={forAll} />
          </p>
        )}
      </Section>
    </Layout>
  );
}
