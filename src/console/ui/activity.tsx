/**
 * A plugin's last hour (calls, errors, latency per minute) as charts (uPlot, when JavaScript
 * runs) over a table that says the same in 10-minute rows; and its hooks, routes and cron jobs
 * with each one's last call.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { Empty, Section, TableWrap, Time } from "./components.tsx";

/** `GET /v1/plugins/{id}/usage` (the parts the page shows). */
export interface ActivityData {
  last_used_at: string | null;
  points: {
    t: string;
    calls: number;
    errors: number;
    timeouts: number;
    avg_ms: number | null;
    p50_ms: number | null;
    p95_ms: number | null;
    max_ms: number | null;
  }[];
  handlers: {
    kind: string;
    name: string;
    last_at: string;
    last_status: string;
    last_duration_ms: number;
    calls: number;
    errors: number;
  }[];
}

/** The API path of the last hour by minute, for `id`. */
export function usagePath(id: string): string {
  return `/v1/plugins/${id}/usage?since=1h&step=minute`;
}

/** The chart data (`/ui/plugins/<id>/activity.json`): columns for uPlot. */
export function chartColumns(a: ActivityData): Record<string, (number | null)[]> {
  return {
    t: a.points.map((m) => Date.parse(m.t) / 1000),
    calls: a.points.map((m) => m.calls),
    errors: a.points.map((m) => m.errors + m.timeouts),
    p50_ms: a.points.map((m) => m.p50_ms),
    p95_ms: a.points.map((m) => m.p95_ms),
    max_ms: a.points.map((m) => m.max_ms),
  };
}

function tenMinuteRows(a: ActivityData) {
  const rows = [];
  for (let i = 0; i < a.points.length; i += 10) {
    const slice = a.points.slice(i, i + 10);
    const calls = slice.reduce((s, m) => s + m.calls, 0);
    const weighted = slice.reduce((s, m) => s + (m.avg_ms ?? 0) * m.calls, 0);
    rows.push({
      from: slice[0]!.t,
      calls,
      errors: slice.reduce((s, m) => s + m.errors + m.timeouts, 0),
      avg: calls > 0 ? Math.round((weighted / calls) * 10) / 10 : null,
      p95: slice.reduce<number | null>(
        (s, m) => m.p95_ms === null ? s : Math.max(s ?? 0, m.p95_ms),
        null,
      ),
      max: slice.reduce<number | null>(
        (s, m) => m.max_ms === null ? s : Math.max(s ?? 0, m.max_ms),
        null,
      ),
    });
  }
  return rows;
}

/** Charts plus the table they draw from. */
export function ActivityPanel(props: { id: string; data: ActivityData }): Child {
  const url = `/ui/plugins/${props.id}/activity.json`;
  return (
    <Section title="Last hour" id="activity">
      <div class="charts">
        <div
          class="chart"
          data-chart={url}
          data-series="calls,errors"
          data-title="Calls and errors per minute"
        />
        <div
          class="chart"
          data-chart={url}
          data-series="p50_ms,p95_ms,max_ms"
          data-title="Latency (ms): median, 95th percentile, slowest"
        />
      </div>
      <TableWrap label="Calls in the last hour, by 10 minutes">
        <table class="activity">
          <thead>
            <tr>
              <th scope="col">From (UTC)</th>
              <th scope="col">Calls</th>
              <th scope="col">Errors</th>
              <th scope="col">Average ms</th>
              <th scope="col">Worst p95 ms</th>
              <th scope="col">Slowest ms</th>
            </tr>
          </thead>
          <tbody>
            {tenMinuteRows(props.data).map((r) => (
              <tr>
                <td>
                  <Time value={r.from} />
                </td>
                <td>{r.calls}</td>
                <td class={r.errors ? "bad" : ""}>{r.errors}</td>
                <td>{r.avg ?? "—"}</td>
                <td>{r.p95 ?? "—"}</td>
                <td>{r.max ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Section>
  );
}

/** Hooks, routes and cron jobs with their last call. */
export function HandlersPanel(props: { view: PluginView; data: ActivityData }): Child {
  const m = props.view.manifest;
  const last = (kind: string, name: string) =>
    props.data.handlers.find((h) => h.kind === kind && h.name === name);
  const rows = [
    ...m.hooks.map((h) => ({ kind: h.kind, name: h.name, detail: `priority ${h.priority}` })),
    ...m.routes.map((r) => ({
      kind: "route",
      name: `${r.method} ${r.path}`,
      detail: `/v1/plugins/${props.view.id}/routes${r.path}`,
    })),
  ];
  const records = `/ui/executions?plugin=${encodeURIComponent(props.view.id)}`;
  return (
    <Section title="Hooks, routes and cron jobs" id="handlers">
      {rows.length === 0 && m.cron.length === 0
        ? <Empty>This plugin declares no handlers.</Empty>
        : (
          <TableWrap label="Handlers">
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Name</th>
                  <th scope="col">Details</th>
                  <th scope="col">Last call</th>
                  <th scope="col">Calls / errors</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const h = last(r.kind, r.name);
                  return (
                    <tr>
                      <td>{inert(r.kind)}</td>
                      <td class="mono">
                        {r.kind === "task"
                          ? (
                            <a href={`/ui/tasks?type=${encodeURIComponent(r.name)}`}>
                              {inert(r.name)}
                            </a>
                          )
                          : inert(r.name)}
                      </td>
                      <td class="mono small">{inert(r.detail)}</td>
                      <td>
                        {h
                          ? (
                            <LastCall
                              status={h.last_status}
                              at={h.last_at}
                              ms={h.last_duration_ms}
                            />
                          )
                          : "never"}
                      </td>
                      <td>
                        {h
                          ? (
                            <a href={`${records}&kind=${encodeURIComponent(r.kind)}`}>
                              {h.calls} / {h.errors}
                            </a>
                          )
                          : "0 / 0"}
                      </td>
                    </tr>
                  );
                })}
                {m.cron.map((job) => {
                  const status = props.view.cron.find((c) => c.name === job.name);
                  return (
                    <tr>
                      <td>cron</td>
                      <td class="mono">{inert(job.name)}</td>
                      <td class="mono small">
                        {inert(job.schedule)}
                        {status?.next_run_at && (
                          <div>
                            next <Time value={status.next_run_at} />
                          </div>
                        )}
                      </td>
                      <td>
                        {status?.last_run_at
                          ? <LastCall status={status.last_status ?? "?"} at={status.last_run_at} />
                          : "never"}
                      </td>
                      <td>{last("cron", job.name)?.calls ?? 0}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
    </Section>
  );
}

function LastCall(props: { status: string; at: string; ms?: number }): Child {
  const cls = props.status === "ok" ? "badge-ok" : "badge-bad";
  return (
    <>
      <span class={`badge ${cls}`}>{inert(props.status)}</span> <Time value={props.at} />
      {props.ms !== undefined && <span class="muted small">{props.ms} ms</span>}
    </>
  );
}
