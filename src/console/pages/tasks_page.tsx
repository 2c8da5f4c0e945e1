/**
 * Tasks, newest first: filters by type, status, where (this host or the fleet) and age, paged by
 * the API's cursor. Fleet tasks are marked with the host that runs them. While the first page
 * shows a queued or running task, htmx reloads the list every 5 s.
 */
import type { Child } from "hono/jsx";
import { TASK_STATUSES, type TaskView } from "../../tasks/mod.ts";
import { inert } from "../inert_text.ts";
import { Empty, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { query, WorkBadge } from "../ui/work_ui.tsx";

/** The list's filters, as typed (empty: not filtered). */
export interface TaskFilters {
  type: string;
  status: string;
  scope: string;
  since: string;
  cursor: string;
}

/** `GET /v1/tasks`, or the API's refusal of the filters. */
export interface TaskListPage {
  tasks: TaskView[];
  next: string | null;
  warning?: string;
  error?: string;
}

function Where(props: { task: TaskView }): Child {
  const t = props.task;
  if (t.scope !== "fleet") return <span class="muted">local</span>;
  return (
    <span>
      <span class="badge badge-info" data-fleet="true">fleet</span>{" "}
      <span class="mono small">{inert(t.host ?? "not taken yet")}</span>
    </span>
  );
}

function Progress(props: { task: TaskView }): Child {
  const p = props.task.progress;
  if (!p || props.task.status !== "running") return <span class="muted">—</span>;
  return (
    <span>
      <progress value={p.fraction} max={1} aria-label="Progress">
        {Math.round(p.fraction * 100)}%
      </progress>{" "}
      <span class="small">{Math.round(p.fraction * 100)}%</span>
    </span>
  );
}

function Rows(props: { tasks: TaskView[] }): Child {
  return (
    <TableWrap label="Tasks, newest first">
      <table class="tasks">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Plugin</th>
            <th scope="col">Where</th>
            <th scope="col">Tries</th>
            <th scope="col">Created (UTC)</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {props.tasks.map((t) => (
            <tr data-task={t.id} data-status={t.status}>
              <td class="mono small">
                <a href={`/ui/tasks/${encodeURIComponent(t.id)}`}>{inert(t.id)}</a>
              </td>
              <td class="mono small">
                <a href={`/ui/tasks${query({ type: t.type })}`}>{inert(t.type)}</a>
              </td>
              <td>
                <WorkBadge status={t.status} />
              </td>
              <td>
                <Progress task={t} />
              </td>
              <td>
                {t.plugin
                  ? <a href={`/ui/plugins/${encodeURIComponent(t.plugin)}`}>{inert(t.plugin)}</a>
                  : <span class="muted">—</span>}
              </td>
              <td>
                <Where task={t} />
              </td>
              <td>{t.attempts.length + (t.status === "running" ? 1 : 0)}</td>
              <td>
                <Time value={t.created_at} />
              </td>
              <td>
                <Time value={t.finished_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The tasks list. */
export function TasksPage(
  props: { ctx: PageContext; filters: TaskFilters; page: TaskListPage },
): Child {
  const { ctx, filters: f, page } = props;
  const kept = { type: f.type, status: f.status, scope: f.scope, since: f.since };
  const active = page.tasks.some((t) => t.status === "queued" || t.status === "running");
  const live = active && !f.cursor
    ? {
      "hx-get": `/ui/tasks${query(kept)}`,
      "hx-trigger": "every 5s",
      "hx-select": "#task-list",
      "hx-swap": "outerHTML",
    }
    : {};
  return (
    <Layout ctx={ctx} title="Tasks" active="tasks">
      <h1>Tasks</h1>
      {page.error && <p class="flash flash-error" role="alert">{inert(page.error)}</p>}
      <form method="get" action="/ui/tasks" class="filters" role="search">
        <label for="t-type">Type</label>
        <input id="t-type" name="type" type="text" value={f.type} placeholder="image.resize" />
        <label for="t-status">Status</label>
        <select id="t-status" name="status">
          <option value="">any</option>
          {TASK_STATUSES.map((s) => <option value={s} selected={s === f.status}>{s}</option>)}
        </select>
        <label for="t-scope">Where</label>
        <select id="t-scope" name="scope">
          <option value="">this host and the fleet</option>
          <option value="local" selected={f.scope === "local"}>this host</option>
          <option value="fleet" selected={f.scope === "fleet"}>the fleet</option>
        </select>
        <label for="t-since">Since</label>
        <input id="t-since" name="since" type="text" value={f.since} placeholder="24h" size={8} />
        <button type="submit">Filter</button>
        {(f.type || f.status || f.scope || f.since) && <a href="/ui/tasks">clear</a>}
      </form>
      {page.warning && <p class="warn" role="status">{inert(page.warning)}</p>}
      <div id="task-list" {...live}>
        {page.tasks.length === 0
          ? (
            <Empty>
              {page.error ? "Fix the filter above." : "No task matches."}{" "}
              Tasks are handed to plugins with <code>{"POST /v1/tasks/<type>"}</code> or{" "}
              <code>plugd task run</code>.
            </Empty>
          )
          : <Rows tasks={page.tasks} />}
      </div>
      <nav class="pager" aria-label="Pages">
        {f.cursor && <a href={`/ui/tasks${query(kept)}`}>Newest</a>}
        {page.next && <a href={`/ui/tasks${query({ ...kept, cursor: page.next })}`}>Older tasks</a>}
      </nav>
    </Layout>
  );
}
