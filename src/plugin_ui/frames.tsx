/**
 * The markup of plugin frames in the console: the iframe (sandboxed, its files under its ticket,
 * its declared routes for the bridge), a plugin page, and the overview and plugin-detail slots.
 * Every plugin-supplied string is escaped by JSX and made inert.
 */
import type { Child } from "hono/jsx";
import { inert } from "../console/mod.ts";
import type { UiPage } from "../manifest/mod.ts";
import { FRAME_SANDBOX } from "./frame_headers.ts";
import { FRAME_PREFIX } from "./frame_routes.ts";
import type { UiPlugin } from "./ui_contributions.ts";

/** Where a plugin page is shown in the console. */
export function pageHref(pluginId: string, pageId: string): string {
  return `/ui/x/plugins/${pluginId}/pages/${pageId}`;
}

/** One sandboxed frame. */
export function PluginFrame(
  props: {
    plugin: UiPlugin;
    entry: UiPage;
    ticket: string;
    kind: "page" | "widget";
    /** Whether the session may call routes other than GET/HEAD (told to the frame). */
    canWrite: boolean;
  },
): Child {
  const { plugin, entry, ticket, kind } = props;
  return (
    <iframe
      class={`plugin-frame plugin-frame-${kind}`}
      sandbox={FRAME_SANDBOX}
      src={`${FRAME_PREFIX}/${ticket}/${entry.path}`}
      title={`${inert(entry.title)} (plugin ${plugin.id})`}
      width="100%"
      height={kind === "page" ? "640" : "180"}
      referrerpolicy="no-referrer"
      data-plugd-frame="1"
      data-plugin={plugin.id}
      data-routes={JSON.stringify(plugin.routes.map((r) => `${r.method} ${r.path}`))}
      data-can-write={String(props.canWrite)}
    >
    </iframe>
  );
}

/** The bridge script (once per page; it guards against running twice). */
export function BridgeScript(props: { src: string }): Child {
  return <script src={props.src} defer></script>;
}

/** The body of a plugin page. */
export function PluginPageBody(
  props: {
    plugin: UiPlugin;
    page: UiPage;
    ticket: string;
    bridgeSrc: string;
    drops: number;
    canWrite: boolean;
  },
): Child {
  const { plugin, page } = props;
  return (
    <>
      <h1>{inert(page.title)}</h1>
      <p class="muted small">
        A page of plugin <a href={`/ui/plugins/${plugin.id}`}>{inert(plugin.name)}</a>{" "}
        {plugin.version}, shown in a sandboxed frame: it can call only this plugin's own routes,
        with your session.{props.drops > 0 &&
          ` The console has dropped ${props.drops} of its messages.`}
      </p>
      <PluginFrame
        plugin={plugin}
        entry={page}
        ticket={props.ticket}
        kind="page"
        canWrite={props.canWrite}
      />
      <BridgeScript src={props.bridgeSrc} />
    </>
  );
}

/** Widgets of one slot, each under its title. */
export function WidgetGrid(
  props: {
    items: { plugin: UiPlugin; widget: UiPage; ticket: string }[];
    bridgeSrc: string;
    canWrite: boolean;
  },
): Child {
  if (props.items.length === 0) return null;
  return (
    <>
      {props.items.map(({ plugin, widget, ticket }) => (
        <section class="plugin-widget" aria-label={`${inert(widget.title)} (plugin ${plugin.id})`}>
          <h2 class="small">
            {inert(widget.title)} <span class="muted">· {inert(plugin.name)}</span>
          </h2>
          <PluginFrame
            plugin={plugin}
            entry={widget}
            ticket={ticket}
            kind="widget"
            canWrite={props.canWrite}
          />
        </section>
      ))}
      <BridgeScript src={props.bridgeSrc} />
    </>
  );
}

/** The links to a plugin's pages, on its detail page. */
export function PageLinks(props: { plugin: UiPlugin }): Child {
  if (props.plugin.pages.length === 0) return null;
  return (
    <p>
      Console pages: {props.plugin.pages.map((p, i) => (
        <>
          {i > 0 && ", "}
          <a href={pageHref(props.plugin.id, p.id)}>{inert(p.title)}</a>
        </>
      ))}
    </p>
  );
}
