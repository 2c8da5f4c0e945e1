/** Overview: daemon health and walls, plugins by state, problems, denials, throughput. */
import type { Child } from "hono/jsx";
import { LIMIT_CEILINGS, LIMIT_DEFAULTS } from "../../manifest/mod.ts";
import type { Throughput } from "../throughput.ts";
import { Empty, Section, StateBadge, T, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import { StateCounts } from "../ui/live_fragments.tsx";
import type { PageContext } from "../ui/page.ts";
import type { DaemonFacts, PluginSummary } from "../types.ts";

/** Everything the overview shows. */
export interface OverviewData {
  health: { version: string; state: string; uptime_s: number; started_at?: string };
  facts: DaemonFacts;
  plugins: PluginSummary[];
  denials: { plugin: string; what: string; when: number }[];
  throughput: Throughput;
  webhooks: { total: number; enabled: number; failing: number };
  /** Rendered extension widgets (escaped JSX). */
  slots: Child[];
}

function uptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

function rate(n: number | null): string {
  return n === null ? "measuring…" : `${n}/min`;
}

/** The overview page. */
export function OverviewPage(props: { ctx: PageContext; data: OverviewData }): Child {
  const { ctx, data } = props;
  const problems = data.plugins.filter((p) =>
    p.state === "failed" || p.runtime === "backoff" || p.runtime === "failed"
  );
  const sandboxOk = data.facts.sandbox.mode === "bwrap";
  return (
    <Layout ctx={ctx} title="Overview" active="overview" live>
      <h1>Overview</h1>
      <div class="grid">
        <Section title="Daemon" id="daemon">
          <dl class="kv">
            <dt>Health</dt>
            <dd>
              <span class={`badge badge-${data.health.state === "running" ? "ok" : "warn"}`}>
                {data.health.state}
              </span>
            </dd>
            <dt>Version</dt>
            <dd>{data.health.version}</dd>
            <dt>Uptime</dt>
            <dd>{uptime(data.health.uptime_s)}</dd>
            <dt>Mode</dt>
            <dd>
              {data.facts.dev
                ? "development (unsigned folders allowed)"
                : "production (signatures required)"}
            </dd>
          </dl>
        </Section>
        <Section title="Walls in force" id="walls">
          <dl class="kv">
            <dt>Sandbox</dt>
            <dd>
              <span class={`badge badge-${sandboxOk ? "ok" : "bad"}`}>
                {data.facts.sandbox.mode}
              </span>{" "}
              <T v={data.facts.sandbox.reason} />
            </dd>
            <dt>Process caps</dt>
            <dd>{data.facts.capsMechanism}</dd>
            <dt>Default limits</dt>
            <dd>
              {LIMIT_DEFAULTS.memory_mb} MiB heap, {LIMIT_DEFAULTS.timeout_ms} ms per call,{" "}
              {LIMIT_DEFAULTS.concurrency} concurrent calls
            </dd>
            <dt>Ceilings</dt>
            <dd>
              {LIMIT_CEILINGS.memory_mb} MiB, {LIMIT_CEILINGS.timeout_ms} ms
            </dd>
          </dl>
        </Section>
        <Section title="Throughput" id="throughput">
          <dl class="kv">
            <dt>Events accepted</dt>
            <dd>
              {rate(data.throughput.eventsPerMin1m)} (last minute),{" "}
              {rate(data.throughput.eventsPerMin1h)} (hour)
            </dd>
            <dt>Webhook deliveries</dt>
            <dd>
              {rate(data.throughput.deliveriesPerMin1m)} (last minute),{" "}
              {rate(data.throughput.deliveriesPerMin1h)} (hour)
            </dd>
            <dt>Webhooks</dt>
            <dd>
              <a href="/ui/webhooks">{data.webhooks.total} endpoints</a>, {data.webhooks.enabled}
              {" "}
              enabled
              {data.webhooks.failing > 0 && (
                <span class="badge badge-warn">{data.webhooks.failing} failing</span>
              )}
            </dd>
          </dl>
        </Section>
      </div>
      <Section title="Plugins by state" id="counts">
        <div sse-swap="counts">
          <StateCounts plugins={data.plugins} />
        </div>
      </Section>
      <div class="grid">
        <Section title="Failures" id="failures">
          {problems.length === 0 ? <Empty>No plugin is failing.</Empty> : (
            <ul class="plain">
              {problems.map((p) => (
                <li>
                  <a href={`/ui/plugins/${p.id}`}>{p.id}</a>{" "}
                  <span sse-swap={`state-${p.id}`}>
                    <StateBadge state={p.state} runtime={p.runtime} />
                  </span>{" "}
                  <span class="reason">
                    <T v={p.failed_reason ?? ""} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Recent permission denials" id="denials">
          {data.denials.length === 0
            ? <Empty>No plugin was refused anything since start.</Empty>
            : (
              <TableWrap label="Recent permission denials">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Plugin</th>
                      <th scope="col">Attempt</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.denials.map((d) => (
                      <tr>
                        <td>
                          <Time value={d.when} />
                        </td>
                        <td>
                          <a href={`/ui/plugins/${d.plugin}`}>{d.plugin}</a>
                        </td>
                        <td class="mono">
                          <T v={d.what} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
        </Section>
      </div>
      {data.slots.length > 0 && <div class="grid slots" data-slot="overview">{data.slots}</div>}
    </Layout>
  );
}
