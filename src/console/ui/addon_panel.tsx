/**
 * A system addon's own side on its plugin page: its status and health beside the plugd state, the
 * running operation with its progress, one button per operation its script implements, and the
 * newest execution records (each links to its full record with output).
 */
import type { Child } from "hono/jsx";
import type { ExecutionRecord } from "../../addons/mod.ts";
import { inert } from "../inert_text.ts";
import type { AddonView } from "../types.ts";
import { PostButton, Section, TableWrap, Time } from "./components.tsx";
import type { PageContext } from "./page.ts";

/** What the list shows of an execution record (`GET /v1/plugins/{id}/executions`). */
export type ExecutionRow = Pick<
  ExecutionRecord,
  | "id"
  | "kind"
  | "name"
  | "status"
  | "actor"
  | "started_at"
  | "duration_ms"
  | "exit_code"
  | "error"
  | "status_before"
  | "status_after"
>;

const STATUS_CLASS: Record<string, string> = {
  installed: "ok",
  healthy: "ok",
  succeeded: "ok",
  not_installed: "muted",
  unknown: "muted",
  installing: "info",
  configuring: "info",
  uninstalling: "info",
  running: "info",
  degraded: "warn",
  interrupted: "warn",
  timeout: "bad",
  unhealthy: "bad",
  failed: "bad",
};

/** A status, health or execution outcome as a badge. */
export function AddonBadge(props: { value: string }): Child {
  const cls = STATUS_CLASS[props.value] ?? "muted";
  return <span class={`badge badge-${cls}`} data-addon={props.value}>{inert(props.value)}</span>;
}

/** Operations that change the host, asked to confirm in words on their button. */
const CHANGES = new Set(["install", "uninstall", "configure", "restore", "upgrade"]);

/** The addon section of a plugin page. */
export function AddonPanel(
  props: { ctx: PageContext; id: string; addon: AddonView; executions: ExecutionRow[] },
): Child {
  const { ctx, id, addon } = props;
  const csrf = ctx.session?.csrf ?? "";
  return (
    <Section title="System addon" id="addon">
      <dl class="kv">
        <dt>Status</dt>
        <dd>
          <AddonBadge value={addon.status} /> <AddonBadge value={addon.health} />
          {addon.version && <span class="mono small">version {inert(addon.version)}</span>}
        </dd>
        {addon.message && (
          <>
            <dt>Message</dt>
            <dd>{inert(addon.message)}</dd>
          </>
        )}
        <dt>Checked</dt>
        <dd>
          <Time value={addon.checked_at} />
        </dd>
        <dt>Runs as</dt>
        <dd>
          {addon.privileged
            ? <span class="risk risk-critical">root on this host (privileged)</span>
            : "its own uid, inside the sandbox"}
        </dd>
        {addon.running && (
          <>
            <dt>Running</dt>
            <dd>
              <a href={`/ui/plugins/${id}/executions/${addon.running.execution}`}>
                {inert(addon.running.operation)}
              </a>
              {addon.running.progress &&
                ` ${addon.running.progress.percent}% ${inert(addon.running.progress.message)}`}
            </dd>
          </>
        )}
      </dl>
      {ctx.can.operate && !addon.running && (
        <div class="actions" data-operations>
          {addon.operations.map((op) => (
            <PostButton
              action={`/ui/plugins/${id}/operations/${op}`}
              csrf={csrf}
              label={op}
              kind={op === "uninstall" ? "danger" : CHANGES.has(op) ? "primary" : "plain"}
              title={`Run addon_${op} now`}
            />
          ))}
        </div>
      )}
      <h3>Recent executions</h3>
      {props.executions.length === 0
        ? <p class="empty">No operation has run yet.</p>
        : (
          <TableWrap label="Recent executions">
            <table class="executions">
              <thead>
                <tr>
                  <th scope="col">Operation</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Status change</th>
                  <th scope="col">Exit</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Who</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {props.executions.map((r) => (
                  <tr data-execution={r.id}>
                    <td>
                      <a href={`/ui/plugins/${id}/executions/${r.id}`}>{inert(r.name)}</a>
                      {r.kind === "check" && <span class="muted small" data-check>(check)</span>}
                    </td>
                    <td>
                      <AddonBadge value={r.status} />
                    </td>
                    <td class="small">
                      {r.status_before && r.status_after && r.status_before !== r.status_after
                        ? `${inert(r.status_before)} → ${inert(r.status_after)}`
                        : "—"}
                    </td>
                    <td class="mono">{r.exit_code ?? "—"}</td>
                    <td>{r.duration_ms === null ? "—" : `${r.duration_ms} ms`}</td>
                    <td class="mono small">{inert(r.actor)}</td>
                    <td>
                      <Time value={r.started_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
    </Section>
  );
}
