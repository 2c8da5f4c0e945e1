/**
 * The fleet as this host sees it: hosts (online, labels, heartbeat, task types), the desired
 * plugins with each host's convergence (state, version, reason), and the rollouts wave by wave.
 * While the page is open, htmx fetches it again every 5 s and swaps the fleet's part. Operators
 * pause, resume and abort rollouts here (`POST /ui/fleet/rollouts/{plugin}/{action}`).
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Empty, PostButton, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** A host of `GET /v1/fleet/status`. */
export interface FleetHostView {
  id: string;
  labels: Record<string, string>;
  online: boolean;
  plugd: string | null;
  seen_at: string | null;
  tasks?: string[];
}

/** `GET /v1/fleet/status`, as the page reads it. */
export interface FleetStatusView {
  host: string;
  connected: boolean;
  hosts: FleetHostView[];
  plugins: {
    id: string;
    version: string | null;
    range: string | null;
    error: string | null;
    rollout: string;
  }[];
  statuses: {
    host: string;
    plugin: string;
    state: string;
    version: string | null;
    reason?: string | null;
  }[];
}

/** One rollout of `GET /v1/fleet/rollouts`. */
export interface FleetRolloutView {
  plugin: string;
  from: string | null;
  to: string;
  state: string;
  wave: number | null;
  waves: { host: string; state: string; version: string | null }[][];
}

/** What the page shows: the fleet, or why this host is not in one. */
export type FleetData =
  | { status: FleetStatusView; rollouts: FleetRolloutView[] }
  | { absent: string };

const STATE_CLASS: Record<string, string> = {
  converged: "ok",
  complete: "ok",
  running: "info",
  installing: "info",
  updating: "info",
  removing: "info",
  waiting: "warn",
  paused: "warn",
  halted: "bad",
  aborted: "muted",
  failed: "bad",
  none: "muted",
};

function Badge(props: { state: string }): Child {
  return (
    <span class={`badge badge-${STATE_CLASS[props.state] ?? "muted"}`} data-state={props.state}>
      {inert(props.state)}
    </span>
  );
}

function labels(l: Record<string, string>): string {
  return Object.entries(l).map(([k, v]) => `${k}=${v}`).join(", ") || "—";
}

function Hosts(props: { status: FleetStatusView }): Child {
  const { status } = props;
  if (status.hosts.length === 0) return <Empty>No host has joined yet.</Empty>;
  return (
    <TableWrap label="Hosts of the fleet">
      <table class="fleet-hosts">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">State</th>
            <th scope="col">Labels</th>
            <th scope="col">Last heartbeat (UTC)</th>
            <th scope="col">plugd</th>
            <th scope="col">Fleet tasks</th>
          </tr>
        </thead>
        <tbody>
          {status.hosts.map((h) => (
            <tr data-host={h.id}>
              <th scope="row" class="mono">
                {inert(h.id)}
                {h.id === status.host && <span class="muted small">(this host)</span>}
              </th>
              <td>
                <span class={`badge badge-${h.online ? "ok" : "bad"}`}>
                  {h.online ? "online" : "offline"}
                </span>
              </td>
              <td class="small">{inert(labels(h.labels))}</td>
              <td>
                <Time value={h.seen_at} />
              </td>
              <td class="mono small">{inert(h.plugd ?? "—")}</td>
              <td class="mono small">{inert((h.tasks ?? []).join(", ") || "—")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Convergence(props: { status: FleetStatusView }): Child {
  const { status } = props;
  if (status.plugins.length === 0) {
    return <Empty>Nothing is declared. Apply a fleet file: plugd fleet apply fleet.yaml</Empty>;
  }
  const of = (host: string, plugin: string) =>
    status.statuses.find((s) => s.host === host && s.plugin === plugin);
  return (
    <TableWrap label="Desired plugins by host">
      <table class="fleet-grid">
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            <th scope="col">Desired</th>
            {status.hosts.map((h) => <th scope="col" class="mono">{inert(h.id)}</th>)}
          </tr>
        </thead>
        <tbody>
          {status.plugins.map((p) => (
            <tr data-plugin={p.id}>
              <th scope="row" class="mono">{inert(p.id)}</th>
              <td class="small">
                {p.error
                  ? <span class="bad">refused: {inert(p.error)}</span>
                  : <span class="mono">{inert(p.version ?? "—")}</span>}
                {p.range && p.range !== p.version && <span class="muted">({inert(p.range)})</span>}
              </td>
              {status.hosts.map((h) => {
                const s = of(h.id, p.id);
                if (!s) return <td class="muted" data-cell={`${h.id}/${p.id}`}>—</td>;
                return (
                  <td data-cell={`${h.id}/${p.id}`} title={s.reason ? inert(s.reason) : undefined}>
                    <Badge state={s.state} />{" "}
                    <span class="mono small">{inert(s.version ?? "")}</span>
                    {s.reason && <div class="small muted">{inert(s.reason.slice(0, 200))}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Which controls a rollout in `state` offers. */
const CONTROLS: Record<string, ("pause" | "resume" | "abort")[]> = {
  running: ["pause", "abort"],
  paused: ["resume", "abort"],
  halted: ["resume", "abort"],
};

function Rollouts(props: { rollouts: FleetRolloutView[]; csrf: string | null }): Child {
  const shown = props.rollouts.filter((r) => r.state !== "none");
  if (shown.length === 0) return <Empty>No rollout. A new version with rollout: starts one.</Empty>;
  return (
    <ul class="plain">
      {shown.map((r) => (
        <li data-rollout={r.plugin}>
          <span class="mono">{inert(r.plugin)}</span> {inert(r.from ?? "—")} → {inert(r.to)}{" "}
          <Badge state={r.state} />
          {r.wave !== null && <span class="small muted">wave {r.wave} of {r.waves.length}</span>}
          {props.csrf && (CONTROLS[r.state] ?? []).map((action) => (
            <PostButton
              action={`/ui/fleet/rollouts/${r.plugin}/${action}`}
              csrf={props.csrf!}
              label={action[0]!.toUpperCase() + action.slice(1)}
              kind={action === "abort" ? "danger" : "plain"}
              title={`${action} the rollout of ${r.plugin} on every host`}
            />
          ))}
          <ol class="small">
            {r.waves.map((wave) => (
              <li>
                {wave.map((w) => (
                  <span class="mono">
                    {inert(w.host)} <Badge state={w.state} />
                    {" "}
                  </span>
                ))}
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ul>
  );
}

/** The fleet page. */
export function FleetPage(props: { ctx: PageContext; data: FleetData }): Child {
  const { ctx, data } = props;
  return (
    <Layout ctx={ctx} title="Fleet" active="fleet">
      <h1>Fleet</h1>
      {"absent" in data
        ? (
          <Section title="Not in a fleet">
            <p>{inert(data.absent)}</p>
          </Section>
        )
        : (
          <div
            id="fleet"
            data-connected={data.status.connected ? "yes" : "no"}
            hx-get="/ui/fleet"
            hx-trigger="every 5s"
            hx-select="#fleet"
            hx-swap="outerHTML"
          >
            <p class={`flash ${data.status.connected ? "flash-ok" : "flash-error"}`} role="status">
              Seen from {inert(data.status.host)}: {data.status.connected
                ? "connected to NATS"
                : "NATS is unreachable; this is the state as last seen"}
            </p>
            <Section title="Hosts" id="hosts">
              <Hosts status={data.status} />
            </Section>
            <Section title="Desired plugins and convergence" id="convergence">
              <Convergence status={data.status} />
            </Section>
            <Section title="Rollouts" id="rollouts">
              <Rollouts
                rollouts={data.rollouts}
                csrf={ctx.can.operate ? ctx.session?.csrf ?? null : null}
              />
            </Section>
          </div>
        )}
    </Layout>
  );
}
