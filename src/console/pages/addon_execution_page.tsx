/**
 * One execution record of a system addon: what ran, who asked, how it ended, the status change,
 * and its output (capped, secrets already replaced by the daemon), refreshed while it runs.
 */
import type { Child } from "hono/jsx";
import type { ExecutionRecord } from "../../addons/mod.ts";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { AddonBadge } from "../ui/addon_panel.tsx";
import { Section, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { PluginHeader } from "../ui/plugin_header.tsx";

/** A full record (`GET /v1/plugins/{id}/executions/{execution}`). */
export type ExecutionRecordView = ExecutionRecord;

function Output(props: { title: string; text: string; bytes: number }): Child {
  return (
    <>
      <h3>
        {props.title} <span class="muted small">({props.bytes} bytes)</span>
      </h3>
      {props.text
        ? <pre class="output" tabindex={0}>{inert(props.text)}</pre>
        : <p class="empty">Nothing.</p>}
    </>
  );
}

/** The record's body; while it runs, htmx fetches the page again and swaps this part. */
function Record(props: { id: string; r: ExecutionRecordView }): Child {
  const { r } = props;
  const running = r.status === "running";
  const self = `/ui/plugins/${props.id}/executions/${r.id}`;
  return (
    <div
      id="execution"
      data-status={r.status}
      {...(running
        ? {
          "hx-get": self,
          "hx-trigger": "every 2s",
          "hx-select": "#execution",
          "hx-swap": "outerHTML",
        }
        : {})}
    >
      <dl class="kv">
        <dt>Operation</dt>
        <dd class="mono">
          addon_{inert(r.name)} {r.args.map((a) => inert(a)).join(" ")}
          {r.kind === "check" && <span class="muted small">(periodic check)</span>}
        </dd>
        <dt>Outcome</dt>
        <dd>
          <AddonBadge value={r.status} />
          {r.exit_code !== null && <span class="mono small">exit {r.exit_code}</span>}
          {r.signal && <span class="mono small">signal {inert(r.signal)}</span>}
        </dd>
        {r.error && (
          <>
            <dt>Why</dt>
            <dd>{inert(r.error)}</dd>
          </>
        )}
        <dt>Addon status</dt>
        <dd>
          {inert(r.status_before ?? "—")} → {inert(r.status_after ?? (running ? "…" : "—"))}
        </dd>
        <dt>Asked by</dt>
        <dd class="mono small">{inert(r.actor)}</dd>
        <dt>Version</dt>
        <dd class="mono">{inert(r.plugin_version)}</dd>
        <dt>Started</dt>
        <dd>
          <Time value={r.started_at} />
          {r.finished_at && (
            <>
              , took {r.duration_ms} ms
            </>
          )}
        </dd>
      </dl>
      {r.truncated && (
        <p class="warn small">Older output was dropped to keep the record within its size cap.</p>
      )}
      <Output title="Standard output" text={r.stdout} bytes={r.stdout_bytes} />
      <Output title="Standard error" text={r.stderr} bytes={r.stderr_bytes} />
    </div>
  );
}

/** The execution page. */
export function AddonExecutionPage(
  props: { ctx: PageContext; view: PluginView; record: ExecutionRecordView },
): Child {
  const { ctx, view, record } = props;
  return (
    <Layout ctx={ctx} title={`${view.manifest.name}: ${record.name}`} active="plugins">
      <PluginHeader ctx={ctx} view={view} tab="summary" />
      <Section title={`Execution of ${record.name}`} id="record">
        <Record id={view.id} r={record} />
        <p>
          <a href={`/ui/plugins/${view.id}#addon`}>Back to the addon</a>
        </p>
      </Section>
    </Layout>
  );
}
