/** The page shell: head with hashed assets, navigation bar, flash messages, main content. */
import type { Child } from "hono/jsx";
import { scopeAllows } from "../../auth/mod.ts";
import type { AssetName } from "../assets.ts";
import { CSRF_FIELD } from "../csrf.ts";
import type { NavEntry } from "../extensions.ts";
import type { PageContext } from "./page.ts";

/** htmx settings: no eval, no inline styles or scripts from swaps, no history snapshots. */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
});

/** Built-in sections, in the order of the navigation bar. */
const NAV: (NavEntry & { id: string })[] = [
  { id: "overview", href: "/ui", label: "Overview", scope: "reader" },
  { id: "plugins", href: "/ui/plugins", label: "Plugins", scope: "reader" },
  { id: "install", href: "/ui/install", label: "Install", scope: "operator" },
  { id: "marketplace", href: "/ui/marketplace", label: "Marketplace", scope: "reader" },
  { id: "updates", href: "/ui/updates", label: "Updates", scope: "reader" },
  { id: "events", href: "/ui/events", label: "Events", scope: "emitter" },
  { id: "tasks", href: "/ui/tasks", label: "Tasks", scope: "reader" },
  { id: "executions", href: "/ui/executions", label: "Executions", scope: "reader" },
  { id: "webhooks", href: "/ui/webhooks", label: "Webhooks", scope: "reader" },
  { id: "fleet", href: "/ui/fleet", label: "Fleet", scope: "reader" },
  { id: "tenants", href: "/ui/tenants", label: "Tenants", scope: "reader" },
  { id: "audit", href: "/ui/audit", label: "Audit", scope: "reader" },
  { id: "access", href: "/ui/access", label: "Tokens & keys", scope: "reader" },
];

/** Options of {@linkcode Layout}. */
export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /** Which navigation entry is current. */
  active?: string;
  /** Extra assets (scripts are deferred, styles linked). */
  assets?: AssetName[];
  /** Subscribe to live plugin state (SSE). */
  live?: boolean;
  children?: Child;
}

/** The full HTML document. */
export function Layout(props: LayoutProps): Child {
  const { ctx } = props;
  const extra = props.assets ?? [];
  const scripts: AssetName[] = [
    "htmx.js",
    "htmx-sse.js",
    "console.js",
    ...extra.filter((a) => a.endsWith(".js")),
  ];
  const styles: AssetName[] = ["console.css", ...extra.filter((a) => a.endsWith(".css"))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        {ctx.session && <meta name="csrf-token" content={ctx.session.csrf} />}
        <title>{props.title} · plugd</title>
        <link rel="icon" href={ctx.assets.url("favicon.svg")} type="image/svg+xml" />
        {styles.map((name) => <link rel="stylesheet" href={ctx.assets.url(name)} />)}
        {scripts.map((name) => <script src={ctx.assets.url(name)} defer></script>)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/ui">plugd</a>
          {ctx.session && <Nav ctx={ctx} active={props.active} />}
          {ctx.session && <Account ctx={ctx} />}
        </header>
        <main id="main" tabindex={-1}>
          {ctx.flash.map((f) => (
            <p class={`flash flash-${f.kind}`} role={f.kind === "error" ? "alert" : "status"}>
              {f.text}
            </p>
          ))}
          {props.live
            ? <div hx-ext="sse" sse-connect="/ui/live" class="live">{props.children}</div>
            : props.children}
        </main>
      </body>
    </html>
  );
}

async function Nav(props: { ctx: PageContext; active?: string }): Promise<Child> {
  const scope = props.ctx.session!.scope;
  const extra = await props.ctx.extensions.navFor(props.ctx.session!);
  const entries = [...NAV, ...extra.map((e) => ({ ...e, id: e.href }))]
    .filter((e) =>
      scopeAllows(scope, e.scope ?? "reader") || (e.id === "events" && props.ctx.can.read)
    );
  return (
    <nav aria-label="Sections">
      <ul>
        {entries.map((e) => (
          <li>
            <a href={e.href} aria-current={e.id === props.active ? "page" : undefined}>{e.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Account(props: { ctx: PageContext }): Child {
  const s = props.ctx.session!;
  return (
    <form class="account" method="post" action="/ui/logout">
      <span class="who" title={`token ${s.tokenId}`}>
        {s.tokenName} <span class={`scope scope-${s.scope}`}>{s.scope}</span>
      </span>
      <input type="hidden" name={CSRF_FIELD} value={s.csrf} />
      <button type="submit" class="link">Sign out</button>
    </form>
  );
}
