/** Tokens (admin only) and trusted signing keys: list, create (token shown once), revoke, trust. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Csrf, Empty, PostButton, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { SecretOnce } from "./webhooks_page.tsx";

/** A token as listed (never its secret). */
export interface TokenView {
  id: string;
  name: string;
  scope: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** A trusted signing key. */
export interface KeyView {
  id: string;
  name: string;
  public_key: string;
  allowed_ids: string[];
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

/** What the access page shows. */
export interface AccessData {
  tokens: TokenView[] | null;
  keys: KeyView[];
  secret?: { label: string; value: string };
  error?: string;
}

/** The tokens and keys page. */
export function AccessPage(props: { ctx: PageContext; data: AccessData }): Child {
  const { ctx, data } = props;
  const csrf = ctx.session!.csrf;
  const admin = ctx.can.admin;
  return (
    <Layout ctx={ctx} title="Tokens and keys" active="access">
      <h1>Tokens and signing keys</h1>
      {data.secret && <SecretOnce label={data.secret.label} secret={data.secret.value} />}
      {data.error && <p class="flash flash-error" role="alert">{inert(data.error)}</p>}
      <Section title="API tokens" id="tokens">
        {data.tokens === null
          ? <p class="muted">Only an admin session sees and manages tokens.</p>
          : (
            <>
              <TableWrap label="API tokens">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Id</th>
                      <th scope="col">Name</th>
                      <th scope="col">Scope</th>
                      <th scope="col">Created</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Last used</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.tokens.map((t) => (
                      <tr data-token={t.id}>
                        <td class="mono small">{inert(t.id)}</td>
                        <td>{inert(t.name)}</td>
                        <td>
                          <span class="scope">{inert(t.scope)}</span>
                        </td>
                        <td>
                          <Time value={t.created_at} />
                        </td>
                        <td>{t.expires_at ? <Time value={t.expires_at} /> : "never"}</td>
                        <td>
                          <Time value={t.last_used_at} />
                        </td>
                        <td>
                          {t.revoked_at
                            ? <span class="badge badge-muted">revoked</span>
                            : t.id === ctx.session!.tokenId
                            ? <span class="muted small">this session</span>
                            : (
                              <PostButton
                                action={`/ui/tokens/${t.id}/revoke`}
                                csrf={csrf}
                                label="Revoke"
                                kind="danger"
                              />
                            )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <h3>Create a token</h3>
              <form method="post" action="/ui/tokens" class="filters">
                <Csrf token={csrf} />
                <label for="tk-name">Name</label>
                <input id="tk-name" name="name" type="text" required placeholder="grafana" />
                <label for="tk-scope">Scope</label>
                <select id="tk-scope" name="scope">
                  <option value="reader">reader</option>
                  <option value="emitter">emitter</option>
                  <option value="operator">operator</option>
                  <option value="admin">admin</option>
                </select>
                <label for="tk-days">Expires in (days, empty = never)</label>
                <input id="tk-days" name="days" type="number" min="1" max="3650" />
                <button type="submit" class="primary">Create</button>
              </form>
            </>
          )}
      </Section>
      <Section title="Trusted signing keys" id="keys">
        {data.keys.length === 0
          ? <Empty>No key is trusted: only dev-mode folders can be installed.</Empty>
          : (
            <TableWrap label="Trusted keys">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Id</th>
                    <th scope="col">Name</th>
                    <th scope="col">May sign</th>
                    <th scope="col">Added</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {data.keys.map((k) => (
                    <tr data-key={k.id}>
                      <td class="mono small">{inert(k.id)}</td>
                      <td>{inert(k.name)}</td>
                      <td class="mono small">
                        {inert(k.allowed_ids.length ? k.allowed_ids.join(", ") : "any plugin id")}
                      </td>
                      <td>
                        <Time value={k.created_at} />
                      </td>
                      <td>
                        {k.revoked_at
                          ? <span class="badge badge-muted">revoked</span>
                          : admin
                          ? (
                            <PostButton
                              action={`/ui/keys/${k.id}/revoke`}
                              csrf={csrf}
                              label="Revoke"
                              kind="danger"
                            />
                          )
                          : <span class="badge badge-ok">trusted</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        {admin && (
          <form method="post" action="/ui/keys" class="stack">
            <h3>Trust a public key</h3>
            <Csrf token={csrf} />
            <div class="field">
              <label for="key-pub">Public key</label>
              <textarea
                id="key-pub"
                name="public_key"
                required
                placeholder="the base64 key, or the JSON of plugd-key-<id>.pub"
              />
            </div>
            <div class="field">
              <label for="key-name">Name</label>
              <input id="key-name" name="name" type="text" placeholder="acme release key" />
            </div>
            <div class="field">
              <label for="key-ids">May sign plugin ids (comma-separated globs, empty = any)</label>
              <input id="key-ids" name="allowed_ids" type="text" placeholder="acme-*" />
            </div>
            <p>
              <button type="submit" class="primary">Trust key</button>
            </p>
          </form>
        )}
      </Section>
    </Layout>
  );
}
