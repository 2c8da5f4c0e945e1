/** The header of a plugin's pages: name, state (live), the actions the session may take, tabs. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { PostButton, StateBadge } from "./components.tsx";
import type { PageContext } from "./page.ts";

/** What a grant now would approve: a waiting update's request, else the installed version's. */
export function requestToGrant(v: PluginView): Record<string, string[]> {
  return v.pending_update?.requested ?? v.permissions.requested;
}

/** The tabs of a plugin's pages. */
const TABS = [
  { id: "summary", path: "", label: "Summary" },
  { id: "config", path: "/config", label: "Config" },
  { id: "logs", path: "/logs", label: "Logs" },
  { id: "history", path: "/history", label: "History" },
];

/** Whether the plugin waits for a grant (first install, or an update that asks for more). */
export function awaitingGrant(v: PluginView): boolean {
  if (v.pending_update || v.permissions.granted === null) return true;
  return JSON.stringify(sorted(v.permissions.granted)) !==
    JSON.stringify(sorted(v.permissions.requested));
}

function sorted(p: Record<string, string[]>): [string, string[]][] {
  return Object.entries(p).filter(([, v]) => v.length > 0).map(([k, v]) =>
    [k, [...v].sort()] as [string, string[]]
  )
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Name, state and the action buttons. */
export function PluginHeader(props: { ctx: PageContext; view: PluginView; tab: string }): Child {
  const { ctx, view: v } = props;
  const csrf = ctx.session!.csrf;
  const base = `/ui/plugins/${v.id}`;
  const runtime = v.stats.state;
  return (
    <>
      <p class="muted small">
        <a href="/ui/plugins">Plugins</a> / {v.id}
      </p>
      <div class="page-head">
        <h1>
          {inert(v.manifest.name)} <span class="muted mono small">{inert(v.version)}</span>
        </h1>
        <span sse-swap={`state-${v.id}`} id="plugin-state">
          <StateBadge state={v.state} runtime={runtime} />
        </span>
      </div>
      {v.failed_reason && (
        <p class="flash flash-error" role="alert">
          Failed: {inert(v.failed_reason)}
        </p>
      )}
      {ctx.can.operate && (
        <div class="actions" aria-label="Actions">
          {awaitingGrant(v) && (
            <a class="button primary" href={`${base}#review`}>Review and grant</a>
          )}
          {!awaitingGrant(v) && v.state !== "enabled" && (
            <PostButton action={`${base}/enable`} csrf={csrf} label="Enable" kind="primary" />
          )}
          {v.state === "enabled" && (
            <PostButton action={`${base}/disable`} csrf={csrf} label="Disable" />
          )}
          {(v.state === "enabled" || v.state === "failed") && (
            <PostButton action={`${base}/restart`} csrf={csrf} label="Restart" />
          )}
          <a class="button" href={`${base}/update`}>Update…</a>
          <a class="button" href={`${base}/remove`}>Remove…</a>
        </div>
      )}
      <nav class="tabs" aria-label="Plugin pages">
        {TABS.map((t) => (
          <a href={`${base}${t.path}`} aria-current={t.id === props.tab ? "page" : undefined}>
            {t.label}
          </a>
        ))}
        <a href={`/ui/executions?plugin=${encodeURIComponent(v.id)}`}>Executions</a>
      </nav>
    </>
  );
}
