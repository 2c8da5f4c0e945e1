/**
 * Pieces the tasks and executions pages share: status badges, JSON shown as inert text, query
 * strings for filter and paging links.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";

const BADGE: Record<string, string> = {
  queued: "info",
  running: "info",
  succeeded: "ok",
  ok: "ok",
  failed: "bad",
  dead: "bad",
  error: "bad",
  timeout: "bad",
  crashed: "bad",
  cancelled: "muted",
  interrupted: "warn",
};

/** A task's or an execution's status as a coloured badge. */
export function WorkBadge(props: { status: string }): Child {
  return (
    <span class={`badge badge-${BADGE[props.status] ?? "muted"}`} data-status={props.status}>
      {inert(props.status)}
    </span>
  );
}

/** `?a=1&b=2` from the non-empty values (or "" when none). */
export function query(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** A JSON value (caller- or plugin-supplied) as inert, pretty-printed text. */
export function JsonBlock(props: { value: unknown; empty?: string }): Child {
  if (props.value === undefined || props.value === null) {
    return <p class="empty">{props.empty ?? "None."}</p>;
  }
  return <pre class="output" tabindex={0}>{inert(JSON.stringify(props.value, null, 2))}</pre>;
}

/** A preview the API already serialized (execution input/output): pretty when it parses. */
export function PreviewBlock(props: { text: string | null; empty?: string }): Child {
  if (props.text === null || props.text === "") {
    return <p class="empty">{props.empty ?? "None."}</p>;
  }
  let shown = props.text;
  try {
    shown = JSON.stringify(JSON.parse(props.text), null, 2);
  } catch {
    // A capped preview is cut mid-JSON: show it as it is.
  }
  return <pre class="output" tabindex={0}>{inert(shown)}</pre>;
}

/** Milliseconds as a short duration ("840 ms", "12.4 s", "3 min 5 s"), or "—". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
