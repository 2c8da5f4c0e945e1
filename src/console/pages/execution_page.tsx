/**
 * One execution record: what ran in which plugin, for whom, how it ended and how long it took,
 * with the input and output previews (capped, secrets already redacted by the daemon) and the
 * error, all shown as inert text.
 */
import type { Child } from "hono/jsx";
import type { ExecutionRecord } from "../../executions/mod.ts";
import { inert } from "../inert_text.ts";
import { Section, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { duration, JsonBlock, PreviewBlock, query, WorkBadge } from "../ui/work_ui.tsx";

function Facts(props: { r: ExecutionRecord }): Child {
  const { r } = props;
  return (
    <dl class="kv">
      <dt>Plugin</dt>
      <dd>
        <a href={`/ui/plugins/${encodeURIComponent(r.plugin)}`}>{inert(r.plugin)}</a>{" "}
        <a class="small" href={`/ui/executions${query({ plugin: r.plugin })}`}>its records</a>
      </dd>
      <dt>Kind</dt>
      <dd>{inert(r.kind)}</dd>
      <dt>Name</dt>
      <dd class="mono">{inert(r.name)}</dd>
      <dt>Outcome</dt>
      <dd>
        <WorkBadge status={r.status} />
        {r.attempt > 1 && <span class="muted small">try {r.attempt}</span>}
      </dd>
      <dt>Started</dt>
      <dd>
        <Time value={r.started_at} />
      </dd>
      <dt>Took</dt>
      <dd>{duration(r.duration_ms)}</dd>
      {r.tenant && (
        <>
          <dt>Tenant</dt>
          <dd class="mono">{inert(r.tenant)}</dd>
        </>
      )}
      {r.actor && (
        <>
          <dt>Asked by</dt>
          <dd class="mono small">{inert(r.actor)}</dd>
        </>
      )}
      {r.task_id && (
        <>
          <dt>Task</dt>
          <dd class="mono">
            <a href={`/ui/tasks/${encodeURIComponent(r.task_id)}`}>{inert(r.task_id)}</a>
          </dd>
        </>
      )}
      {r.event_id && (
        <>
          <dt>Event</dt>
          <dd class="mono">
            <a href={`/ui/events${query({ id: r.event_id })}`}>{inert(r.event_id)}</a>
          </dd>
        </>
      )}
    </dl>
  );
}

/** A record's page. */
export function ExecutionPage(props: { ctx: PageContext; record: ExecutionRecord }): Child {
  const { ctx, record: r } = props;
  return (
    <Layout ctx={ctx} title={`Execution ${r.id}`} active="executions">
      <p class="small">
        <a href="/ui/executions">Executions</a> / #{r.id}
      </p>
      <h1>
        {inert(r.kind)} {inert(r.name)} <WorkBadge status={r.status} />
      </h1>
      <div class="grid">
        <Section title="Record" id="record">
          <Facts r={r} />
        </Section>
        <Section title="Error" id="error">
          {r.error
            ? <pre class="output execution-error" tabindex={0}>{inert(r.error)}</pre>
            : <p class="empty">None.</p>}
        </Section>
      </div>
      <div class="grid">
        <Section title="Input" id="input">
          <PreviewBlock text={r.input} empty="Not recorded." />
        </Section>
        <Section title="Output" id="output">
          <PreviewBlock text={r.output} empty="Nothing." />
        </Section>
      </div>
      {r.detail && (
        <Section title="Details" id="detail">
          <JsonBlock value={r.detail} />
        </Section>
      )}
    </Layout>
  );
}
