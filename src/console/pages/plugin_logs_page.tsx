/**
 * A plugin's logs: the last lines rendered on the server (readable without JavaScript), then new
 * lines streamed in (SSE, swapped by htmx), with pause, a level filter and search.
 */
import type { Child } from "hono/jsx";
import type { PluginView } from "../types.ts";
import { Empty, Section } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import { LogLine, type LogLineData } from "../ui/log_line.tsx";
import type { PageContext } from "../ui/page.ts";
import { PluginHeader } from "../ui/plugin_header.tsx";

/** The logs page. */
export function PluginLogsPage(
  props: { ctx: PageContext; view: PluginView; lines: LogLineData[] },
): Child {
  const { ctx, view: v, lines } = props;
  const last = lines.at(-1);
  const after = last ? (typeof last.ts === "number" ? last.ts : Date.parse(String(last.ts))) : 0;
  return (
    <Layout ctx={ctx} title={`${v.manifest.name}: logs`} active="plugins" live>
      <PluginHeader ctx={ctx} view={v} tab="logs" />
      <Section title="Logs" id="logs">
        <div data-log-panel>
          <div class="log-tools">
            <button type="button" data-log-pause aria-pressed="false" hidden>Pause</button>
            <label for="log-level">Level</label>
            <select id="log-level" data-log-level>
              <option value="debug">all</option>
              <option value="info">info and above</option>
              <option value="warn">warnings and errors</option>
              <option value="error">errors</option>
            </select>
            <label for="log-search">Search</label>
            <input id="log-search" type="search" data-log-search placeholder="text in the line" />
            <span class="paused-note" data-log-held aria-live="polite"></span>
          </div>
          {lines.length === 0 && (
            <Empty>No log lines yet; new ones appear here as they are written.</Empty>
          )}
          <div hx-ext="sse" sse-connect={`/ui/plugins/${v.id}/logs/stream?after=${after}`}>
            <ol class="log" sse-swap="log" hx-swap="beforeend" aria-label="Log lines" tabindex={0}>
              {lines.map((line) => <LogLine line={line} />)}
            </ol>
          </div>
        </div>
        <p class="hint">
          The daemon keeps the last 1 MiB of each plugin's output; plugins are limited to 200
          lines/s.
        </p>
      </Section>
    </Layout>
  );
}
