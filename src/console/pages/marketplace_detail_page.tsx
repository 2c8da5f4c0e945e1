/**
 * One registry plugin: description and readme (shown as text, never as HTML), the permissions
 * each version requests with their risk, versions with changelogs, reviews, what is installed
 * here; install and review forms for operators.
 */
import type { Child } from "hono/jsx";
import { Csrf, Empty, RiskPill, Section, T, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

interface Risk {
  kind: string;
  value: string;
  level: string;
  reason: string;
}

/** A version as the catalog detail lists it. */
export interface CatalogVersion {
  version: string;
  published_at?: string;
  changelog?: string;
  max_risk: string | null;
  risks: Risk[] | null;
  yanked: boolean;
  deprecated: string | null;
}

/** The catalog detail the page renders. */
export interface CatalogDetail {
  id: string;
  name: string;
  description: string;
  readme: string;
  registry: string;
  latest: string | null;
  publisher: { name: string; display_name?: string; verified: boolean } | null;
  rating: { average: number; count: number } | null;
  downloads: number | null;
  deprecated: string | null;
  versions: CatalogVersion[];
  reviews: {
    total: number;
    reviews: { id: number; rating: number; title: string; body: string; updated_at: string }[];
  } | null;
  installed: { version: string; state: string; advisories: { id: string; title: string }[] } | null;
}

function Permissions(props: { risks: Risk[] | null }): Child {
  if (props.risks === null) return <p class="muted">This registry lists no permissions.</p>;
  if (props.risks.length === 0) return <p>Asks for no permissions.</p>;
  return (
    <TableWrap label="Requested permissions">
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Value</th>
            <th scope="col">Risk</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {props.risks.map((r) => (
            <tr>
              <td class="mono">{r.kind}</td>
              <td class="mono">
                <T v={r.value} />
              </td>
              <td>
                <RiskPill level={r.level} />
              </td>
              <td class="small">
                <T v={r.reason} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The detail page. */
export function MarketplaceDetailPage(props: { ctx: PageContext; d: CatalogDetail }): Child {
  const { ctx, d } = props;
  const latest = d.versions.find((v) => v.version === d.latest) ?? d.versions[0];
  const base = `/ui/marketplace/${encodeURIComponent(d.id)}`;
  const csrf = ctx.session!.csrf;
  return (
    <Layout ctx={ctx} title={d.id} active="marketplace">
      <div class="page-head">
        <h1>
          <T v={d.name || d.id} /> <span class="muted mono small">{d.id}</span>
        </h1>
      </div>
      <p>
        <T v={d.description} />
      </p>
      {d.deprecated && (
        <p class="flash flash-error">
          Deprecated: <T v={d.deprecated} />
        </p>
      )}
      <div class="grid">
        <Section title="Offer" id="offer">
          <dl class="kv">
            <dt>Registry</dt>
            <dd>
              <T v={d.registry} />
            </dd>
            <dt>Publisher</dt>
            <dd>
              {d.publisher ? <T v={d.publisher.display_name ?? d.publisher.name} /> : "—"}{" "}
              {d.publisher?.verified && <span class="badge badge-ok">verified</span>}
            </dd>
            <dt>Latest</dt>
            <dd class="mono">{d.latest ? <T v={d.latest} /> : "none installable"}</dd>
            <dt>Rating</dt>
            <dd>{d.rating ? `${d.rating.average.toFixed(1)} (${d.rating.count})` : "—"}</dd>
            <dt>Downloads</dt>
            <dd>{d.downloads ?? "—"}</dd>
            <dt>Installed here</dt>
            <dd>
              {d.installed ? <T v={`${d.installed.version} (${d.installed.state})`} /> : "no"}
            </dd>
          </dl>
          {d.installed?.advisories.map((a) => (
            <p class="flash flash-error">
              Advisory <T v={a.id} />: <T v={a.title} />
            </p>
          ))}
          {ctx.can.operate && !d.installed && d.latest && (
            <form method="post" action={`${base}/install`} class="inline">
              <Csrf token={csrf} />
              <input type="hidden" name="registry" value={d.registry} />
              <label for="i-version">Version</label>
              <select id="i-version" name="version">
                {d.versions.filter((v) =>
                  !v.yanked
                ).map((v) => (
                  <option value={v.version} selected={v.version === d.latest}>{v.version}</option>
                ))}
              </select>
              <button type="submit" class="primary">Install</button>
            </form>
          )}
        </Section>
        <Section title={`Permissions of ${latest?.version ?? "the latest version"}`} id="perms">
          <Permissions risks={latest?.risks ?? null} />
        </Section>
      </div>
      <Section title="Versions" id="versions">
        <TableWrap label="Versions">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col">Risk</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {d.versions.map((v) => (
                <tr>
                  <td class="mono">
                    <T v={v.version} />
                    {v.yanked && <div class="small warn">yanked</div>}
                    {v.deprecated && (
                      <div class="small warn">
                        <T v={v.deprecated} />
                      </div>
                    )}
                  </td>
                  <td>
                    <Time value={v.published_at} />
                  </td>
                  <td>{v.max_risk ? <RiskPill level={v.max_risk} /> : "—"}</td>
                  <td class="small">
                    <pre class="code">{v.changelog ? <T v={v.changelog} /> : ""}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </Section>
      {d.readme && (
        <Section title="Readme" id="readme">
          <pre class="code readme">
            <T v={d.readme} />
          </pre>
        </Section>
      )}
      <Section title="Reviews" id="reviews">
        {!d.reviews || d.reviews.reviews.length === 0
          ? <Empty>No reviews yet.</Empty>
          : d.reviews.reviews.map((r) => (
            <article class="review">
              <strong>{"★".repeat(r.rating)}{"☆".repeat(5 - r.rating)}</strong> <T v={r.title} />
              {" "}
              <Time value={r.updated_at} />
              <p>
                <T v={r.body} />
              </p>
            </article>
          ))}
        {ctx.can.operate && d.reviews !== null && (
          <form method="post" action={`${base}/review`}>
            <Csrf token={csrf} />
            <input type="hidden" name="registry" value={d.registry} />
            <label for="r-rating">Your rating</label>
            <select id="r-rating" name="rating">
              {[5, 4, 3, 2, 1].map((n) => <option value={String(n)}>{n}</option>)}
            </select>
            <label for="r-title">Title</label>
            <input id="r-title" name="title" maxlength={200} />
            <label for="r-body">Review</label>
            <textarea id="r-body" name="body" maxlength={10000}></textarea>
            <button type="submit">Send review</button>
          </form>
        )}
      </Section>
    </Layout>
  );
}
