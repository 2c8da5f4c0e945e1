/**
 * Events: emit a test event (and see each plugin's result), look one up by id, ask a gate, run a
 * filter chain. All event data shown back is escaped; results are plugin-supplied JSON.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Csrf, Empty, Section, TableWrap } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** One plugin's result for an event. */
export interface EventResult {
  plugin: string;
  hook?: string;
  status: string;
  attempts?: number;
  duration_ms: number | null;
  result?: unknown;
  error?: string;
}

/** What the page shows after an action. */
export interface EventsData {
  form: Record<string, string>;
  error?: string;
  /** Which form the outcome belongs to. */
  outcome?:
    | {
      kind: "emit" | "lookup";
      id: string;
      status?: string;
      results: EventResult[];
      waited: boolean;
    }
    | {
      kind: "gate";
      allowed: boolean;
      votes: { plugin: string; allow: boolean; reason?: string }[];
    }
    | {
      kind: "filter";
      data: unknown;
      applied: { plugin: string; duration_ms: number }[];
      skipped: { plugin: string; reason: string }[];
    };
}

function json(v: unknown): string {
  return v === undefined ? "" : JSON.stringify(v, null, 2);
}

function Results(props: { results: EventResult[] }): Child {
  if (props.results.length === 0) return <Empty>No plugin is subscribed to this event type.</Empty>;
  return (
    <TableWrap label="Results per plugin">
      <table class="results">
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            <th scope="col">Hook</th>
            <th scope="col">Status</th>
            <th scope="col">ms</th>
            <th scope="col">Result or error</th>
          </tr>
        </thead>
        <tbody>
          {props.results.map((r) => (
            <tr data-plugin={r.plugin}>
              <td>
                <a href={`/ui/plugins/${encodeURIComponent(r.plugin)}`}>{inert(r.plugin)}</a>
              </td>
              <td class="mono small">{inert(r.hook ?? "")}</td>
              <td>
                <span
                  class={`badge badge-${
                    r.status === "ok" ? "ok" : r.status === "pending" ? "info" : "bad"
                  }`}
                >
                  {inert(r.status)}
                </span>
              </td>
              <td>{r.duration_ms ?? "—"}</td>
              <td>
                <pre>{inert(r.error ?? json(r.result))}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Outcome(props: { data: EventsData; kind: string }): Child {
  const o = props.data.outcome;
  if (!o || o.kind !== props.kind) return null;
  if (o.kind === "emit" || o.kind === "lookup") {
    return (
      <div class="outcome" aria-live="polite">
        <p>
          Event <a class="mono" href={`/ui/events?id=${encodeURIComponent(o.id)}`}>{inert(o.id)}</a>
          {o.status ? ` (${inert(o.status)})` : ""}
          {!o.waited && " accepted; results arrive as plugins answer: look it up below."}
        </p>
        {(o.waited || o.kind === "lookup") && <Results results={o.results} />}
        {o.results.length > 0 && (
          <p class="small">
            <a href={`/ui/executions?event=${encodeURIComponent(o.id)}`}>
              Execution records of this event
            </a>
          </p>
        )}
      </div>
    );
  }
  if (o.kind === "gate") {
    return (
      <div class="outcome" aria-live="polite">
        <p>
          <span class={`badge badge-${o.allowed ? "ok" : "bad"}`}>
            {o.allowed ? "allowed" : "denied"}
          </span>
        </p>
        {o.votes.length === 0
          ? <Empty>No plugin votes on this gate: allowed.</Empty>
          : (
            <ul class="plain">
              {o.votes.map((v) => (
                <li>
                  {inert(v.plugin)}: <strong>{v.allow ? "allow" : "deny"}</strong>{" "}
                  {inert(v.reason ?? "")}
                </li>
              ))}
            </ul>
          )}
      </div>
    );
  }
  if (o.kind !== "filter") return null;
  return (
    <div class="outcome" aria-live="polite">
      <h3>Output</h3>
      <pre>{inert(json(o.data))}</pre>
      <p class="small">
        Applied:{" "}
        {o.applied.map((a) => `${a.plugin} (${a.duration_ms} ms)`).join(", ") || "none"}; skipped:
        {" "}
        {o.skipped.map((s) => `${s.plugin}: ${s.reason}`).join(", ") || "none"}
      </p>
    </div>
  );
}

/** The events page. */
export function EventsPage(props: { ctx: PageContext; data: EventsData }): Child {
  const { ctx, data } = props;
  const f = data.form;
  const csrf = ctx.session!.csrf;
  return (
    <Layout ctx={ctx} title="Events" active="events">
      <h1>Events</h1>
      {data.error && <p class="flash flash-error" role="alert">{inert(data.error)}</p>}
      <div class="grid">
        {ctx.can.emit && (
          <Section title="Emit an event" id="emit">
            <form method="post" action="/ui/events/emit" class="stack">
              <Csrf token={csrf} />
              <div class="field">
                <label for="ev-type">Type</label>
                <input
                  id="ev-type"
                  name="type"
                  type="text"
                  required
                  value={f.type ?? ""}
                  placeholder="deployment.post_create"
                />
              </div>
              <div class="field">
                <label for="ev-data">Data (JSON)</label>
                <textarea id="ev-data" name="data">{f.data ?? "{}"}</textarea>
              </div>
              <label class="small">
                <input type="checkbox" name="wait" checked={f.wait !== "off"} />{" "}
                wait for the results
              </label>
              <p>
                <button type="submit" class="primary">Emit</button>
              </p>
            </form>
            <Outcome data={data} kind="emit" />
          </Section>
        )}
        {ctx.can.read && (
          <Section title="Look up an event" id="lookup">
            <form method="get" action="/ui/events" class="filters">
              <label for="ev-id">Event id</label>
              <input id="ev-id" name="id" type="text" value={f.id ?? ""} required />
              <button type="submit">Look up</button>
            </form>
            <Outcome data={data} kind="lookup" />
          </Section>
        )}
      </div>
      {ctx.can.emit && (
        <div class="grid">
          <Section title="Ask a gate" id="gate">
            <form method="post" action="/ui/events/gate" class="stack">
              <Csrf token={csrf} />
              <div class="field">
                <label for="gate-name">Gate</label>
                <input
                  id="gate-name"
                  name="name"
                  type="text"
                  required
                  value={f.gate ?? ""}
                  placeholder="deployment.pre_create"
                />
              </div>
              <div class="field">
                <label for="gate-data">Data (JSON)</label>
                <textarea id="gate-data" name="data">{f.gateData ?? "{}"}</textarea>
              </div>
              <p>
                <button type="submit">Ask</button>
              </p>
            </form>
            <Outcome data={data} kind="gate" />
          </Section>
          <Section title="Apply a filter" id="filter">
            <form method="post" action="/ui/events/filter" class="stack">
              <Csrf token={csrf} />
              <div class="field">
                <label for="filter-name">Filter</label>
                <input
                  id="filter-name"
                  name="name"
                  type="text"
                  required
                  value={f.filter ?? ""}
                  placeholder="notification.format"
                />
              </div>
              <div class="field">
                <label for="filter-data">Data (JSON)</label>
                <textarea id="filter-data" name="data">{f.filterData ?? "{}"}</textarea>
              </div>
              <p>
                <button type="submit">Apply</button>
              </p>
            </form>
            <Outcome data={data} kind="filter" />
          </Section>
        </div>
      )}
    </Layout>
  );
}
