/**
 * Webhooks: the endpoints (never their secrets), add one (its secret shown once), and for each:
 * test, enable/disable, rotate the secret (shown once), delete, and its deliveries with attempts.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Csrf, Empty, PostButton, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** A webhook as the API lists it. */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  timeout_ms: number;
  consecutive_failures: number;
  disabled_reason: string | null;
  rotated_at: string | null;
  created_at: string;
}

/** A delivery with its attempts. */
export interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  created_at: string;
  attempt_log?: {
    attempt: number;
    started_at: string;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  }[];
}

/** A secret to show exactly once. */
export function SecretOnce(props: { label: string; secret: string }): Child {
  return (
    <div class="secret-once" role="status">
      <strong>{props.label}</strong>
      <code id="secret-once">{props.secret}</code>
      <button type="button" data-copy="secret-once" hidden>Copy</button>
      <p class="small">
        This is the only time it is shown. Store it now; plugd keeps only what it needs to sign.
      </p>
    </div>
  );
}

/** The webhooks list and add form. */
export function WebhooksPage(
  props: {
    ctx: PageContext;
    hooks: WebhookView[];
    secret?: { label: string; value: string };
    error?: string;
    form?: Record<string, string>;
  },
): Child {
  const { ctx } = props;
  const f = props.form ?? {};
  return (
    <Layout ctx={ctx} title="Webhooks" active="webhooks">
      <h1>Webhooks</h1>
      {props.secret && <SecretOnce label={props.secret.label} secret={props.secret.value} />}
      {props.error && <p class="flash flash-error" role="alert">{inert(props.error)}</p>}
      <Section title="Endpoints" id="endpoints">
        {props.hooks.length === 0
          ? <Empty>No webhook yet.</Empty>
          : (
            <TableWrap label="Webhook endpoints">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {props.hooks.map((h) => (
                    <tr data-webhook={h.id}>
                      <td>
                        <a href={`/ui/webhooks/${h.id}`}>{inert(h.name || h.id)}</a>
                        <div class="muted small mono">{inert(h.id)}</div>
                      </td>
                      <td class="mono small">{inert(h.url)}</td>
                      <td class="mono small">{inert(h.event_types.join(", "))}</td>
                      <td>
                        <span
                          class={`badge badge-${
                            h.enabled ? (h.consecutive_failures ? "warn" : "ok") : "muted"
                          }`}
                        >
                          {h.enabled ? "enabled" : "disabled"}
                        </span>
                        {h.consecutive_failures > 0 && (
                          <div class="small warn">{h.consecutive_failures} failures in a row</div>
                        )}
                        {h.disabled_reason && (
                          <div class="small muted">{inert(h.disabled_reason)}</div>
                        )}
                      </td>
                      <td>
                        {ctx.can.operate
                          ? (
                            <WebhookActions
                              id={h.id}
                              enabled={h.enabled}
                              csrf={ctx.session!.csrf}
                            />
                          )
                          : <a href={`/ui/webhooks/${h.id}`}>deliveries</a>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
      </Section>
      {ctx.can.operate && (
        <Section title="Add a webhook" id="add">
          <form method="post" action="/ui/webhooks" class="stack">
            <Csrf token={ctx.session!.csrf} />
            <div class="field">
              <label for="wh-name">Name</label>
              <input
                id="wh-name"
                name="name"
                type="text"
                value={f.name ?? ""}
                placeholder="ops-alerts"
              />
            </div>
            <div class="field">
              <label for="wh-url">URL</label>
              <input
                id="wh-url"
                name="url"
                type="url"
                required
                value={f.url ?? ""}
                placeholder="https://hooks.example.com/plugd"
              />
              <p class="hint">
                Private, loopback and metadata addresses are refused unless the daemon allows
                private targets.
              </p>
            </div>
            <div class="field">
              <label for="wh-types">Event types</label>
              <input
                id="wh-types"
                name="event_types"
                type="text"
                required
                value={f.event_types ?? ""}
                placeholder="plugin.failed, deployment.*"
              />
              <p class="hint">Comma-separated; a type may end in *.</p>
            </div>
            <p>
              <button type="submit" class="primary">Add webhook</button>
            </p>
          </form>
        </Section>
      )}
    </Layout>
  );
}

function WebhookActions(props: { id: string; enabled: boolean; csrf: string }): Child {
  const base = `/ui/webhooks/${props.id}`;
  return (
    <div class="actions">
      <PostButton action={`${base}/test`} csrf={props.csrf} label="Test" />
      <PostButton
        action={`${base}/${props.enabled ? "disable" : "enable"}`}
        csrf={props.csrf}
        label={props.enabled ? "Disable" : "Enable"}
      />
      <PostButton action={`${base}/rotate`} csrf={props.csrf} label="Rotate secret" />
      <PostButton action={`${base}/delete`} csrf={props.csrf} label="Delete" kind="danger" />
    </div>
  );
}

/** One webhook's deliveries with their attempts. */
export function WebhookDeliveriesPage(
  props: { ctx: PageContext; hook: WebhookView; deliveries: DeliveryView[]; next: string | null },
): Child {
  const { ctx, hook } = props;
  return (
    <Layout ctx={ctx} title={`Webhook ${hook.name || hook.id}`} active="webhooks">
      <p class="muted small">
        <a href="/ui/webhooks">Webhooks</a> / {inert(hook.id)}
      </p>
      <h1>{inert(hook.name || hook.id)}</h1>
      <p class="mono small">{inert(hook.url)}</p>
      {ctx.can.operate && (
        <WebhookActions id={hook.id} enabled={hook.enabled} csrf={ctx.session!.csrf} />
      )}
      <Section title="Deliveries" id="deliveries">
        {props.deliveries.length === 0
          ? <Empty>Nothing delivered yet.</Empty>
          : (
            <TableWrap label="Deliveries">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                  </tr>
                </thead>
                <tbody>
                  {props.deliveries.map((d) => (
                    <tr>
                      <td>
                        <Time value={d.created_at} />
                        <div class="mono small muted">{inert(d.id)}</div>
                      </td>
                      <td class="mono small">{inert(d.event_type)}</td>
                      <td>
                        <span
                          class={`badge badge-${
                            d.status === "delivered" ? "ok" : d.status === "failed" ? "bad" : "info"
                          }`}
                        >
                          {inert(d.status)}
                        </span>
                        {d.next_attempt_at && d.status === "pending" && (
                          <div class="small muted">
                            next <Time value={d.next_attempt_at} />
                          </div>
                        )}
                      </td>
                      <td class="small">
                        {(d.attempt_log ?? []).map((a) => (
                          <div>
                            #{a.attempt} <Time value={a.started_at} /> {a.status_code ?? "—"} in
                            {" "}
                            {a.duration_ms} ms{" "}
                            {a.error && <span class="bad">{inert(a.error)}</span>}
                          </div>
                        ))}
                        {(d.attempt_log ?? []).length === 0 && `${d.attempts}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        {props.next && (
          <p class="pager">
            <a href={`/ui/webhooks/${hook.id}?cursor=${encodeURIComponent(props.next)}`}>
              Older deliveries
            </a>
          </p>
        )}
      </Section>
    </Layout>
  );
}
