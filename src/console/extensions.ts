/**
 * Extension points of the console, for areas that add to it (plugin-supplied pages and widgets
 * in sandboxed frames, a marketplace): navigation entries, slots on the overview and on each
 * plugin's page, extra routes under `/ui/x/`, and extra `frame-src` sources for the CSP.
 */
import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { Scope } from "../auth/mod.ts";
import type { ConsoleApi } from "./api_client.ts";
import type { ConsoleEnv, Session } from "./types.ts";

/** A link in the navigation bar. */
export interface NavEntry {
  href: string;
  label: string;
  /** Shown only to sessions whose scope allows this. @default "reader" */
  scope?: Scope;
}

/** Where a slot renders. */
export type SlotName = "overview" | "plugin-detail";

/** What a slot renderer gets. */
export interface SlotContext {
  api: ConsoleApi;
  session: Session;
  /** The plugin shown, for `plugin-detail`. */
  pluginId?: string;
}

/** Renders a slot's content (escaped JSX); errors are shown in place, never break the page. */
export type SlotRenderer = (ctx: SlotContext) => Child | Promise<Child>;

/** What extension routes get to render console pages and to act as the signed-in session. */
export interface ExtensionTools {
  /** `body` inside the console's page layout (navigation, account, flash messages). */
  page(
    c: Context<ConsoleEnv>,
    options: { title: string; active?: string; status?: number },
    body: Child,
  ): Promise<Response>;
  /** The API as the signed-in session. */
  api(c: Context<ConsoleEnv>): ConsoleApi;
  /** Any request to the API (method, body, content type as given) as the signed-in session. */
  fetch(c: Context<ConsoleEnv>, request: Request): Promise<Response>;
}

/** Registers routes on the `/ui/x` sub-app. */
export type RouteRegistrar = (app: Hono<ConsoleEnv>, tools: ExtensionTools) => void;

/** Navigation entries that change at run time (e.g. plugin pages), asked on each page render. */
export type NavSource = (session: Session) => Promise<readonly NavEntry[]>;

/** The registry other areas add to before the daemon starts serving. */
export class ConsoleExtensions {
  readonly #nav: NavEntry[] = [];
  readonly #slots = new Map<SlotName, SlotRenderer[]>();
  readonly #routes: RouteRegistrar[] = [];
  readonly #frameSources: string[] = [];
  readonly #navSources: NavSource[] = [];

  /** Adds a navigation entry (after the built-in ones). */
  addNav(entry: NavEntry): void {
    if (!entry.href.startsWith("/ui/")) {
      throw new TypeError(`Nav entries stay under /ui/: ${entry.href}`);
    }
    this.#nav.push(entry);
  }

  /** Adds a renderer to a slot. */
  addSlot(slot: SlotName, render: SlotRenderer): void {
    this.#slots.set(slot, [...(this.#slots.get(slot) ?? []), render]);
  }

  /** Registers routes; they are mounted under `/ui/x/` behind the session and CSRF checks. */
  addRoutes(register: RouteRegistrar): void {
    this.#routes.push(register);
  }

  /** Adds navigation entries computed per page (after the static ones). */
  addNavSource(source: NavSource): void {
    this.#navSources.push(source);
  }

  /** The extension entries for `session`: static ones, then each source's (a failing one adds none). */
  async navFor(session: Session): Promise<NavEntry[]> {
    const dynamic = await Promise.all(
      this.#navSources.map((source) => source(session).catch(() => [] as NavEntry[])),
    );
    return [...this.#nav, ...dynamic.flat()];
  }

  /** Allows frames from `source` (e.g. a separate plugin-UI origin) in the console's CSP. */
  allowFrameSource(source: string): void {
    if (/[;,\s]/.test(source)) throw new TypeError(`Not a CSP source: ${source}`);
    this.#frameSources.push(source);
  }

  nav(): readonly NavEntry[] {
    return this.#nav;
  }

  slots(slot: SlotName): readonly SlotRenderer[] {
    return this.#slots.get(slot) ?? [];
  }

  routes(): readonly RouteRegistrar[] {
    return this.#routes;
  }

  frameSources(): readonly string[] {
    return this.#frameSources;
  }
}
