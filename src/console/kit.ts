/** What route files share: the per-request API client, page context, rendering and redirects. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { scopeAllows } from "../auth/mod.ts";
import { ConsoleApi } from "./api_client.ts";
import type { AssetTable } from "./assets.ts";
import type { ConsoleExtensions } from "./extensions.ts";
import type { Flashes } from "./flashes.ts";
import type { Flash, PageContext } from "./ui/page.ts";
import type { Abilities, ApiFetch, ConsoleDeps, ConsoleEnv, Session } from "./types.ts";

/** Shared services of the console's route files. */
export class ConsoleKit {
  readonly deps: ConsoleDeps;
  readonly assets: AssetTable;
  readonly extensions: ConsoleExtensions;
  readonly flashes: Flashes;
  #fetch: ApiFetch | null = null;

  constructor(
    deps: ConsoleDeps,
    assets: AssetTable,
    extensions: ConsoleExtensions,
    flashes: Flashes,
  ) {
    this.deps = deps;
    this.assets = assets;
    this.extensions = extensions;
    this.flashes = flashes;
  }

  /** Set once the daemon's app exists. */
  attach(fetch: ApiFetch): void {
    this.#fetch = fetch;
  }

  /** The API as the signed-in session (throws before the app is attached). */
  api(c: Context<ConsoleEnv>): ConsoleApi {
    return this.apiAs({
      actor: `token:${c.get("session").tokenId}`,
      scope: c.get("session").scope,
    });
  }

  /** A raw request to the API as the signed-in session (extension routes relay with it). */
  sessionFetch(c: Context<ConsoleEnv>, request: Request): Promise<Response> {
    if (!this.#fetch) throw new Error("The console is not attached to the daemon's API yet");
    const session = c.get("session");
    return this.#fetch(request, {
      transport: "console",
      principal: { actor: `token:${session.tokenId}`, scope: session.scope },
    });
  }

  /** The API as any principal (the live feed reads as the daemon's console). */
  apiAs(principal: { actor: string; scope: Session["scope"] }): ConsoleApi {
    if (!this.#fetch) throw new Error("The console is not attached to the daemon's API yet");
    return new ConsoleApi(this.#fetch, principal);
  }

  /** The page context of a request (takes pending flash messages). */
  page(c: Context<ConsoleEnv>, extraFlash: Flash[] = []): PageContext {
    const session = c.get("session") ?? null;
    return {
      assets: this.assets,
      extensions: this.extensions,
      session,
      can: session
        ? abilities(session.scope)
        : { read: false, operate: false, emit: false, admin: false },
      flash: [...(session ? this.flashes.take(session.idHash) : []), ...extraFlash],
      dev: this.deps.facts.dev,
    };
  }

  /** Renders a full page. */
  async render(c: Context<ConsoleEnv>, node: Child, status = 200): Promise<Response> {
    // A JSX node renders to a string, or a promise of one when a component is async.
    const html = await (node as { toString(): string | Promise<string> }).toString();
    return c.html(`<!DOCTYPE html>${html}`, status as 200);
  }

  /** 303 to `to` with a message for the next page (Post/Redirect/Get). */
  done(c: Context<ConsoleEnv>, to: string, flash?: Flash): Response {
    if (flash) this.flashes.push(c.get("session").idHash, flash);
    return c.redirect(to, 303);
  }
}

/** What a scope may do in the console. */
export function abilities(scope: Session["scope"]): Abilities {
  return {
    read: scopeAllows(scope, "reader"),
    operate: scopeAllows(scope, "operator"),
    emit: scopeAllows(scope, "emitter"),
    admin: scopeAllows(scope, "admin"),
  };
}
