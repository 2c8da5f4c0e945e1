/**
 * One task: status, progress, timings, its attempts (each linked to its execution record when
 * this host has it), input, result and error as inert text, and, for operators, Cancel while it
 * is queued or running. Until it ends, htmx fetches the page again every 2 s and swaps the task.
 */
import type { Child } from "hono/jsx";
import type { TaskView } from "../../tasks/mod.ts";
import { inert } from "../inert_text.ts";
import { Empty, PostButton, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { duration, JsonBlock, query, WorkBadge } from "../ui/work_ui.tsx";

const ACTIVE = new Set(["queued", "running"]);

function Attempts(props: { task: TaskView; records: Map<number, number> }): Child {
  const { task, records } = props;
  if (task.attempts.length === 0) return <Empty>No attempt yet.</Empty>;
  return (
    <TableWrap label="Attempts">
      <table class="attempts">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started (UTC)</th>
            <th scope="col">Took</th>
            <th scope="col">Error</th>
            <th scope="col">Record</th>
          </tr>
        </thead>
        <tbody>
          {task.attempts.map((a) => {
            const record = records.get(a.attempt);
            return (
              <tr data-attempt={a.attempt}>
                <td>{a.attempt}</td>
                <td>
                  <WorkBadge status={a.status} />
                </td>
                <td>
                  <Time value={a.started_at} />
                </td>
                <td>{duration(a.duration_ms)}</td>
                <td>{a.error ? <pre>{inert(a.error)}</pre> : ""}</td>
                <td>
                  {record !== undefined
                    ? <a href={`/ui/executions/${record}`}>#{record}</a>
                    : (
                      <span class="muted small">
                        {task.scope === "fleet" ? "on its host" : "—"}
                      </span>
                    )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Facts(props: { task: TaskView }): Child {
  const t = props.task;
  const took = t.started_at && t.finished_at
    ? Date.parse(t.finished_at) - Date.parse(t.started_at)
    : null;
  return (
    <dl class="kv">
      <dt>Type</dt>
      <dd class="mono">
        <a href={`/ui/tasks${query({ type: t.type })}`}>{inert(t.type)}</a>
      </dd>
      <dt>Status</dt>
      <dd>
        <WorkBadge status={t.status} />
      </dd>
      <dt>Processed by</dt>
      <dd>
        {t.plugin
          ? <a href={`/ui/plugins/${encodeURIComponent(t.plugin)}`}>{inert(t.plugin)}</a>
          : "—"}
      </dd>
      <dt>Where</dt>
      <dd>
        {t.scope === "fleet"
          ? (
            <>
              <span class="badge badge-info" data-fleet="true">fleet</span> runs on{" "}
              <span class="mono">{inert(t.host ?? "no host yet")}</span>, accepted by{" "}
              <span class="mono">{inert(t.accepted_by ?? "—")}</span>
            </>
          )
          : "this host"}
      </dd>
      {t.tenant && (
        <>
          <dt>Tenant</dt>
          <dd class="mono">{inert(t.tenant)}</dd>
        </>
      )}
      <dt>Priority</dt>
      <dd>{t.priority}</dd>
      {t.idempotency_key && (
        <>
          <dt>Idempotency key</dt>
          <dd class="mono">{inert(t.idempotency_key)}</dd>
        </>
      )}
      <dt>Created</dt>
      <dd>
        <Time value={t.created_at} />
      </dd>
      <dt>Started</dt>
      <dd>
        <Time value={t.started_at} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <Time value={t.finished_at} />
        {took !== null && <span class="muted small">, {duration(took)} after it started</span>}
      </dd>
      {t.next_attempt_at && (
        <>
          <dt>Next attempt</dt>
          <dd>
            <Time value={t.next_attempt_at} />
          </dd>
        </>
      )}
    </dl>
  );
}

/** The task's body; swapped in place while it runs. */
function Body(props: { ctx: PageContext; task: TaskView; records: Map<number, number> }): Child {
  const { ctx, task: t } = props;
  const active = ACTIVE.has(t.status);
  const self = `/ui/tasks/${encodeURIComponent(t.id)}`;
  const live = active
    ? { "hx-get": self, "hx-trigger": "every 2s", "hx-select": "#task", "hx-swap": "outerHTML" }
    : {};
  const p = t.progress;
  return (
    <div id="task" data-status={t.status} {...live}>
      <h1>
        {inert(t.type)} <WorkBadge status={t.status} />
      </h1>
      <div class="grid">
        <Section
          title="Task"
          id="facts"
          actions={active && ctx.can.operate
            ? (
              <PostButton
                action={`${self}/cancel`}
                csrf={ctx.session!.csrf}
                label="Cancel task"
                kind="danger"
              />
            )
            : undefined}
        >
          <Facts task={t} />
        </Section>
        <Section title="Progress" id="progress">
          {p
            ? (
              <p>
                <progress value={p.fraction} max={1} aria-label="Progress">
                  {Math.round(p.fraction * 100)}%
                </progress>{" "}
                <strong>{Math.round(p.fraction * 100)}%</strong>{" "}
                <span class="progress-message">{inert(p.message ?? "")}</span>
              </p>
            )
            : <Empty>The processor has not reported progress.</Empty>}
          {t.error && (
            <>
              <h3>Error</h3>
              <pre class="output task-error" tabindex={0}>{inert(t.error)}</pre>
            </>
          )}
        </Section>
      </div>
      <Section title="Attempts" id="attempts">
        <Attempts task={t} records={props.records} />
        <p class="small">
          <a href={`/ui/executions${query({ task: t.id })}`}>Execution records of this task</a>
        </p>
      </Section>
      <div class="grid">
        <Section title="Input" id="input">
          <JsonBlock value={t.input} empty="No input." />
        </Section>
        <Section title="Result" id="result">
          <JsonBlock value={t.result} empty={active ? "Not yet." : "No result."} />
        </Section>
      </div>
    </div>
  );
}

/** A task's page. */
export function TaskPage(
  props: { ctx: PageContext; task: TaskView; records: Map<number, number> },
): Child {
  const { ctx, task } = props;
  return (
    <Layout ctx={ctx} title={`Task ${task.id}`} active="tasks">
      <p class="small">
        <a href="/ui/tasks">Tasks</a> / <span class="mono">{inert(task.id)}</span>
      </p>
      <Body ctx={ctx} task={task} records={props.records} />
    </Layout>
  );
}
