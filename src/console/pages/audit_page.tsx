/** The audit log: newest first, filtered by action and target, paged; verify the hash chain. */
import type { Child } from "hono/jsx";
import type { AuditRow } from "../../audit/mod.ts";
import { inert } from "../inert_text.ts";
import { Empty, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** `GET /v1/audit?verify=true`. */
export interface Verification {
  ok: boolean;
  rows: number;
  broken_at: number | null;
  reason: string | null;
}

/** What the audit page shows. */
export interface AuditData {
  rows: AuditRow[];
  action: string;
  target: string;
  before: number | null;
  /** The `before` of the next (older) page, or null at the end. */
  older: number | null;
  verification?: Verification;
}

function query(params: Record<string, string | number | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== "") q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The audit page. */
export function AuditPage(props: { ctx: PageContext; data: AuditData }): Child {
  const { ctx, data } = props;
  const v = data.verification;
  return (
    <Layout ctx={ctx} title="Audit log" active="audit">
      <h1>Audit log</h1>
      <Section title="Hash chain" id="verify">
        {v && (
          <p
            class={`flash ${v.ok ? "flash-ok" : "flash-error"}`}
            role="status"
            data-verified={v.ok ? "ok" : "broken"}
          >
            {v.ok
              ? `The chain verifies: ${v.rows} rows, each chained to the one before, and the head matches.`
              : `The chain is broken at row ${v.broken_at}: ${v.reason ?? "unknown reason"}.`}
            {!v.ok && v.broken_at !== null && (
              <>
                {" "}
                <a href={`/ui/audit${query({ before: v.broken_at + 1 })}#row-${v.broken_at}`}>
                  Show that row
                </a>
              </>
            )}
          </p>
        )}
        <form method="get" action="/ui/audit" class="filters">
          <input type="hidden" name="verify" value="1" />
          <button type="submit">Verify the chain</button>
          <span class="hint">
            Recomputes every row's hash and compares the end with the recorded head.
          </span>
        </form>
      </Section>
      <form method="get" action="/ui/audit" class="filters" role="search">
        <label for="a-action">Action</label>
        <input
          id="a-action"
          name="action"
          type="text"
          value={data.action}
          placeholder="plugin.grant or plugin.*"
        />
        <label for="a-target">Target</label>
        <input
          id="a-target"
          name="target"
          type="text"
          value={data.target}
          placeholder="plugin id, token id… (* for a prefix)"
        />
        <button type="submit">Filter</button>
        {(data.action || data.target) && <a href="/ui/audit">clear</a>}
      </form>
      {data.rows.length === 0
        ? <Empty>No row matches.</Empty>
        : (
          <TableWrap label="Audit rows, newest first">
            <table class="audit">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Result</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((r) => (
                  <tr
                    id={`row-${r.seq}`}
                    class={v && !v.ok && v.broken_at === r.seq ? "broken" : ""}
                  >
                    <td>{r.seq}</td>
                    <td>
                      <Time value={r.ts} />
                    </td>
                    <td class="mono small">{inert(r.actor)}</td>
                    <td>
                      <a href={`/ui/audit${query({ action: r.action })}`}>{inert(r.action)}</a>
                    </td>
                    <td class="mono small">
                      {r.target
                        ? <a href={`/ui/audit${query({ target: r.target })}`}>{inert(r.target)}</a>
                        : "—"}
                    </td>
                    <td class={r.result === "ok" ? "" : "bad"}>{inert(r.result)}</td>
                    <td class="small mono">
                      {r.detail ? inert(JSON.stringify(r.detail).slice(0, 300)) : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      <p class="pager">
        {data.before !== null && (
          <a href={`/ui/audit${query({ action: data.action, target: data.target })}`}>Newest</a>
        )}
        {data.older !== null && (
          <a
            href={`/ui/audit${
              query({ action: data.action, target: data.target, before: data.older })
            }`}
          >
            Older rows
          </a>
        )}
      </p>
    </Layout>
  );
}
