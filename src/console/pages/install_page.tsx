/**
 * Install: from the registries' catalog (search, categories, versions), from an uploaded signed
 * archive, or (dev mode) from a folder on the daemon's host. Installing grants nothing: the
 * plugin's permission review comes next.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Csrf, Empty, Section, TableWrap } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** One catalog entry as `GET /v1/catalog` lists it. */
export interface CatalogItem {
  id: string;
  description: string;
  categories: string[];
  tags: string[];
  latest: string;
  versions: string[];
  registry: string;
}

/** What the install page shows. */
export interface InstallData {
  q: string;
  category: string;
  catalog: { plugins: CatalogItem[]; errors: { registry: string; message: string }[] } | null;
  /** Ids already installed (their Install button becomes a link). */
  installed: Set<string>;
  error?: string;
  folder?: string;
}

/** The install page. */
export function InstallPage(props: { ctx: PageContext; data: InstallData }): Child {
  const { ctx, data } = props;
  const csrf = ctx.session!.csrf;
  const categories = [...new Set((data.catalog?.plugins ?? []).flatMap((p) => p.categories))]
    .sort();
  return (
    <Layout ctx={ctx} title="Install" active="install">
      <h1>Install a plugin</h1>
      {data.error && <p class="flash flash-error" role="alert">{inert(data.error)}</p>}
      <p class="hint">
        Installing copies and checks the plugin; it grants nothing. Its permission review opens
        next, and it runs only after you grant exactly what it asks for.
      </p>
      <Section title="From the registries" id="catalog">
        <form class="filters" method="get" action="/ui/install" role="search">
          <label for="cat-q">Search</label>
          <input
            id="cat-q"
            name="q"
            type="search"
            value={data.q}
            placeholder="name, description or tag"
          />
          <label for="cat-category">Category</label>
          <select id="cat-category" name="category">
            <option value="">any</option>
            {categories.map((c) => (
              <option value={c} selected={c === data.category}>{inert(c)}</option>
            ))}
          </select>
          <button type="submit">Search</button>
        </form>
        {(data.catalog?.errors ?? []).map((e) => (
          <p class="flash flash-error">
            Registry {inert(e.registry)} unreachable: {inert(e.message)}
          </p>
        ))}
        {!data.catalog || data.catalog.plugins.length === 0
          ? (
            <Empty>
              No registry plugin matches (registries are set with PLUGD_REGISTRIES or the config
              file).
            </Empty>
          )
          : (
            <TableWrap label="Catalog">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Plugin</th>
                    <th scope="col">Categories</th>
                    <th scope="col">Version</th>
                    <th scope="col">
                      <span class="muted">Install</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.catalog.plugins.map((p) => (
                    <tr>
                      <td>
                        <strong class="mono">{inert(p.id)}</strong>
                        <div class="small">{inert(p.description)}</div>
                        <div class="small muted">{p.tags.map((t) => `#${inert(t)}`).join(" ")}</div>
                      </td>
                      <td class="small">{inert(p.categories.join(", "))}</td>
                      <td colSpan={2}>
                        {data.installed.has(p.id)
                          ? <a href={`/ui/plugins/${encodeURIComponent(p.id)}`}>installed: open</a>
                          : (
                            <form method="post" action="/ui/install" class="inline">
                              <Csrf token={csrf} />
                              <input type="hidden" name="id" value={p.id} />
                              <label class="small" for={`v-${p.id}`}>version</label>{" "}
                              <select id={`v-${p.id}`} name="version">
                                {p.versions.map((v) => (
                                  <option value={v} selected={v === p.latest}>{inert(v)}</option>
                                ))}
                              </select>{" "}
                              <button type="submit" class="primary">Install</button>
                            </form>
                          )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
      </Section>
      <Section title="From a signed archive" id="upload">
        <form method="post" action="/ui/install/upload" enctype="multipart/form-data" class="stack">
          <Csrf token={csrf} />
          <div class="field">
            <label for="archive">Plugin archive (.tgz made by plugd plugin pack --sign)</label>
            <input
              id="archive"
              name="archive"
              type="file"
              accept=".tgz,application/gzip"
              required
            />
            <p class="hint">
              Up to 1 MiB through the browser; use plugd plugin install for larger archives.
            </p>
          </div>
          <p>
            <button type="submit" class="primary">Upload and install</button>
          </p>
        </form>
      </Section>
      {ctx.dev && (
        <Section title="From a folder (dev mode)" id="folder">
          <form method="post" action="/ui/install" class="stack">
            <Csrf token={csrf} />
            <div class="field">
              <label for="folder-path">Folder on the daemon's host</label>
              <input
                id="folder-path"
                name="folder"
                type="text"
                required
                value={data.folder ?? ""}
                placeholder="/home/me/plugins/hello"
              />
              <p class="hint">
                Unsigned folders install only in dev mode (and are audited as such); the plugin
                restarts when its files change.
              </p>
            </div>
            <p>
              <button type="submit" class="primary">Install from folder</button>
            </p>
          </form>
        </Section>
      )}
    </Layout>
  );
}
