/**
 * Execution records newest first: every call into a plugin (actions, filters, gates, routes,
 * cron, task attempts, commands, lifecycle hooks, addon operations), filtered by plugin, kind,
 * outcome and age, paged by the API's cursor.
 */
import type { Child } from "hono/jsx";
import { EXECUTION_KINDS, EXECUTION_STATUSES, type ExecutionRecord } from "../../executions/mod.ts";
import { inert } from "../inert_text.ts";
import { Empty, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { duration, query, WorkBadge } from "../ui/work_ui.tsx";

/** The list's filters, as typed (empty: not filtered). */
export interface ExecutionFilters {
  plugin: string;
  kind: string;
  status: string;
  since: string;
  task: string;
  event: string;
  cursor: string;
}

/** `GET /v1/executions`, or the API's refusal of the filters. */
export interface ExecutionListPage {
  executions: ExecutionRecord[];
  next: string | null;
  error?: string;
}

function Rows(props: { records: ExecutionRecord[] }): Child {
  return (
    <TableWrap label="Execution records, newest first">
      <table class="executions">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Started (UTC)</th>
            <th scope="col">Plugin</th>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">Outcome</th>
            <th scope="col">Took</th>
            <th scope="col">Of</th>
          </tr>
        </thead>
        <tbody>
          {props.records.map((r) => (
            <tr data-execution={r.id} data-status={r.status}>
              <td>
                <a href={`/ui/executions/${r.id}`}>{r.id}</a>
              </td>
              <td>
                <Time value={r.started_at} />
              </td>
              <td>
                <a href={`/ui/executions${query({ plugin: r.plugin })}`}>{inert(r.plugin)}</a>
              </td>
              <td>{inert(r.kind)}</td>
              <td class="mono small">{inert(r.name)}</td>
              <td>
                <WorkBadge status={r.status} />
                {r.attempt > 1 && <span class="muted small">try {r.attempt}</span>}
              </td>
              <td>{duration(r.duration_ms)}</td>
              <td class="mono small">
                {r.task_id && (
                  <a href={`/ui/tasks/${encodeURIComponent(r.task_id)}`}>task {inert(r.task_id)}</a>
                )}
                {r.event_id && (
                  <a href={`/ui/events${query({ id: r.event_id })}`}>event {inert(r.event_id)}</a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The executions list. */
export function ExecutionsPage(
  props: { ctx: PageContext; filters: ExecutionFilters; page: ExecutionListPage },
): Child {
  const { ctx, filters: f, page } = props;
  const kept = {
    plugin: f.plugin,
    kind: f.kind,
    status: f.status,
    since: f.since,
    task: f.task,
    event: f.event,
  };
  const filtered = Object.values(kept).some((v) => v);
  return (
    <Layout ctx={ctx} title="Executions" active="executions">
      <h1>Executions</h1>
      {page.error && <p class="flash flash-error" role="alert">{inert(page.error)}</p>}
      <form method="get" action="/ui/executions" class="filters" role="search">
        <label for="x-plugin">Plugin</label>
        <input id="x-plugin" name="plugin" type="text" value={f.plugin} size={16} />
        <label for="x-kind">Kind</label>
        <select id="x-kind" name="kind">
          <option value="">any</option>
          {EXECUTION_KINDS.map((k) => <option value={k} selected={k === f.kind}>{k}</option>)}
        </select>
        <label for="x-status">Outcome</label>
        <select id="x-status" name="status">
          <option value="">any</option>
          {EXECUTION_STATUSES.map((s) => <option value={s} selected={s === f.status}>{s}</option>)}
        </select>
        <label for="x-since">Since</label>
        <input id="x-since" name="since" type="text" value={f.since} placeholder="24h" size={8} />
        {f.task && <input type="hidden" name="task" value={f.task} />}
        {f.event && <input type="hidden" name="event" value={f.event} />}
        <button type="submit">Filter</button>
        {filtered && <a href="/ui/executions">clear</a>}
      </form>
      {(f.task || f.event) && (
        <p class="small">
          Records of {f.task ? "task" : "event"}{" "}
          <span class="mono">{inert(f.task || f.event)}</span>.
        </p>
      )}
      {page.executions.length === 0
        ? (
          <Empty>
            {page.error ? "Fix the filter above." : "No record matches."}{" "}
            Records are kept for the days set by executions.retention_days.
          </Empty>
        )
        : <Rows records={page.executions} />}
      <nav class="pager" aria-label="Pages">
        {f.cursor && <a href={`/ui/executions${query(kept)}`}>Newest</a>}
        {page.next && (
          <a href={`/ui/executions${query({ ...kept, cursor: page.next })}`}>Older records</a>
        )}
      </nav>
    </Layout>
  );
}
