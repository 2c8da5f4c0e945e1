/**
 * Updates: installed plugins with newer versions in their registry, the permission change each
 * brings (a widening one waits for a grant), the auto-update policy, and the advisories in
 * force.
 */
import type { Child } from "hono/jsx";
import { Csrf, Empty, PostButton, Section, T, TableWrap } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** One update as `GET /v1/updates` gives it. */
export interface UpdateRow {
  id: string;
  installed: string;
  state: string;
  registry: string;
  policy: string;
  latest: { version: string; permissions_diff: string; widening: boolean | null } | null;
  wanted: { version: string } | null;
}

/** One advisory as `GET /v1/advisories` gives it. */
export interface AdvisoryRow {
  id: string;
  registry: string;
  plugin: string;
  versions: string;
  severity: string;
  action: string;
  title: string;
  withdrawn: boolean;
  affects: { plugin: string; version: string; state: string }[];
}

/** The updates page. */
export function UpdatesPage(props: {
  ctx: PageContext;
  updates: UpdateRow[];
  errors: { registry: string; message: string }[];
  advisories: AdvisoryRow[];
}): Child {
  const { ctx, updates } = props;
  const csrf = ctx.session!.csrf;
  return (
    <Layout ctx={ctx} title="Updates" active="updates">
      <div class="page-head">
        <h1>Updates</h1>
        {ctx.can.operate && updates.length > 0 && (
          <PostButton action="/ui/updates" csrf={csrf} label="Update all" kind="primary" />
        )}
      </div>
      {props.errors.map((e) => (
        <p class="flash flash-error" role="alert">
          Registry <T v={e.registry} />: <T v={e.message} />
        </p>
      ))}
      {updates.length === 0
        ? <Empty>Every plugin from a registry is up to date.</Empty>
        : (
          <TableWrap label="Available updates">
            <table>
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Installed</th>
                  <th scope="col">Available</th>
                  <th scope="col">Permission change</th>
                  <th scope="col">Auto-update</th>
                  <th scope="col"></th>
                </tr>
              </thead>
              <tbody>
                {updates.map((u) => (
                  <tr data-plugin={u.id}>
                    <td>
                      <a
                        href={`/ui/marketplace/${encodeURIComponent(u.id)}?registry=${
                          encodeURIComponent(u.registry)
                        }`}
                      >
                        <T v={u.id} />
                      </a>
                      <div class="muted small">
                        from <T v={u.registry} />
                      </div>
                    </td>
                    <td class="mono">
                      <T v={u.installed} />
                    </td>
                    <td class="mono">
                      <T v={u.latest?.version} />
                    </td>
                    <td class="small">
                      {u.latest?.permissions_diff
                        ? (
                          <span class={u.latest.widening ? "diff-added" : ""}>
                            <T v={u.latest.permissions_diff} />
                          </span>
                        )
                        : "none"}
                      {u.latest?.widening && <div class="warn">needs a new grant</div>}
                    </td>
                    <td>
                      {ctx.can.operate
                        ? (
                          <form
                            method="post"
                            action={`/ui/updates/${encodeURIComponent(u.id)}/policy`}
                            class="inline"
                          >
                            <Csrf token={csrf} />
                            <select name="policy" aria-label={`auto-update policy of ${u.id}`}>
                              {["off", "patch", "minor"].map((p) => (
                                <option value={p} selected={p === u.policy}>{p}</option>
                              ))}
                            </select>
                            <button type="submit">Set</button>
                          </form>
                        )
                        : <T v={u.policy} />}
                    </td>
                    <td>
                      {ctx.can.operate && u.latest && (
                        <PostButton
                          action={`/ui/updates/${encodeURIComponent(u.id)}`}
                          csrf={csrf}
                          label={`Update to ${u.latest.version}`}
                          fields={{ version: u.latest.version }}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      <Section title="Advisories" id="advisories">
        {props.advisories.length === 0
          ? <Empty>No advisories from the registries.</Empty>
          : (
            <TableWrap label="Advisories">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Advisory</th>
                    <th scope="col">Plugin</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Action</th>
                    <th scope="col">Affects here</th>
                  </tr>
                </thead>
                <tbody>
                  {props.advisories.map((a) => (
                    <tr>
                      <td>
                        <span class="mono">{a.id}</span> <T v={a.title} />
                        <div class="muted small">
                          <T v={a.registry} />
                        </div>
                      </td>
                      <td class="mono">
                        <T v={`${a.plugin} ${a.versions}`} />
                      </td>
                      <td>
                        <T v={a.severity} />
                      </td>
                      <td>{a.withdrawn ? "withdrawn" : <T v={a.action} />}</td>
                      <td class="mono small">
                        <T
                          v={a.affects.map((x) => `${x.plugin}@${x.version} (${x.state})`).join(
                            ", ",
                          )}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
      </Section>
    </Layout>
  );
}
