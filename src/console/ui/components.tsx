/** Small building blocks shared by the pages. Every string goes through JSX escaping. */
import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../csrf.ts";
import { inert } from "../inert_text.ts";

/** Hidden CSRF field for a form. */
export function Csrf(props: { token: string }): Child {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** A button that POSTs to `action` (a one-button form; works without JavaScript). */
export function PostButton(
  props: {
    action: string;
    csrf: string;
    label: string;
    kind?: "primary" | "danger" | "plain";
    fields?: Record<string, string>;
    title?: string;
  },
): Child {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input
          type="hidden"
          name={k}
          value={v}
        />
      ))}
      <button type="submit" class={props.kind ?? "plain"} title={props.title}>{props.label}</button>
    </form>
  );
}

const STATE_CLASS: Record<string, string> = {
  enabled: "ok",
  running: "ok",
  installed: "info",
  disabled: "muted",
  stopped: "muted",
  starting: "info",
  stopping: "info",
  backoff: "warn",
  degraded: "warn",
  failed: "bad",
};

/** A plugin's lifecycle state and, when it says more, its runtime state. */
export function StateBadge(props: { state: string; runtime?: string }): Child {
  const { state, runtime } = props;
  const shown = runtime && runtime !== "stopped" && runtime !== "running" && runtime !== state
    ? runtime
    : null;
  const cls = STATE_CLASS[shown ?? state] ?? "muted";
  return (
    <span class={`badge badge-${cls}`} data-state={state} data-runtime={runtime ?? ""}>
      {inert(state)}
      {shown ? ` · ${inert(shown)}` : ""}
    </span>
  );
}

/** A risk level pill. */
export function RiskPill(props: { level: string }): Child {
  return <span class={`risk risk-${inert(props.level)}`}>{inert(props.level)}</span>;
}

/** A titled section. */
export function Section(
  props: { title: string; id?: string; actions?: Child; children?: Child },
): Child {
  return (
    <section class="card" id={props.id} aria-labelledby={props.id ? `${props.id}-h` : undefined}>
      <div class="card-head">
        <h2 id={props.id ? `${props.id}-h` : undefined}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** A time as ISO text in a <time> element, shown shortened (UTC). */
export function Time(props: { value: string | number | null | undefined }): Child {
  if (props.value === null || props.value === undefined || props.value === "") {
    return <span>—</span>;
  }
  const date = new Date(props.value);
  if (Number.isNaN(date.getTime())) return <span>{inert(props.value)}</span>;
  const iso = date.toISOString();
  return <time datetime={iso} title={iso}>{iso.slice(0, 19).replace("T", " ")}</time>;
}

/** Plugin-supplied or otherwise untrusted text, made inert. */
export function T(props: { v: unknown }): Child {
  return <>{inert(props.v)}</>;
}

/** A scrollable wrapper for wide tables on small screens. */
export function TableWrap(props: { label: string; children?: Child }): Child {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

/** Text shown when a list is empty. */
export function Empty(props: { children?: Child }): Child {
  return <p class="empty">{props.children}</p>;
}
