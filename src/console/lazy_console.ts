/**
 * The web console's front door in the daemon: the console's pages, hono/jsx, its assets and their
 * compressed copies load on the first request to `/ui`, so a daemon nobody opens the console of
 * does not hold them. What must run from the start stays here: sessions and login codes (the
 * `POST /v1/ui/login-codes` route `plugd ui` calls) and the throughput sampler behind the
 * overview's rates.
 */
import type { Hono } from "hono";
import type { ApiEnv } from "../api/mod.ts";
import type { ConsoleExtensions } from "./extensions.ts";
import { LoginCodes } from "./login_codes.ts";
import { loginCodeRoutes } from "./routes/login_code_routes.ts";
import { Sessions } from "./sessions.ts";
import { ThroughputMeter } from "./throughput.ts";
import type { ApiFetch, ConsoleDeps } from "./types.ts";
import type { WebConsole } from "./web_console.tsx";

/**
 * The console, built on first use. Same lifecycle as {@linkcode WebConsole}: `attachApi`, then
 * `start`, `routes` mounted in the daemon's app, `stop`.
 *
 * @example
 * ```ts
 * const ui = new LazyConsole(deps, extensions);
 * app.route("/", ui.routes());
 * ```
 */
export class LazyConsole {
  readonly sessions: Sessions;
  readonly codes: LoginCodes;
  #deps: ConsoleDeps;
  #extensions: ConsoleExtensions;
  #meter: ThroughputMeter;
  #api: ApiFetch | null = null;
  #console: Promise<WebConsole> | null = null;

  constructor(deps: ConsoleDeps, extensions: ConsoleExtensions) {
    this.#deps = deps;
    this.#extensions = extensions;
    this.sessions = new Sessions(deps.store, {
      idleMs: deps.sessionIdleMs,
      maxMs: deps.sessionMaxMs,
    });
    this.codes = new LoginCodes(deps.store, this.sessions);
    this.#meter = new ThroughputMeter(deps.store);
  }

  /** Connects the console to the daemon's API (called once the app exists). */
  attachApi(fetch: ApiFetch): void {
    this.#api = fetch;
  }

  /** Starts the throughput sampler (the console itself waits for its first request). */
  async start(): Promise<void> {
    await this.#meter.start();
  }

  /** Stops the sampler and, if it was built, the console's live feed. */
  async stop(): Promise<void> {
    this.#meter.stop();
    const built = this.#console;
    this.#console = null;
    if (built) await (await built).stop();
  }

  /** `POST /v1/ui/login-codes`, `/ui` and `/ui/*` (the console's own routes). */
  routes(): Hono<ApiEnv> {
    const group = loginCodeRoutes(this.codes, this.#deps.facts.publicUrl);
    const serve = async (c: { req: { raw: Request }; env: ApiEnv["Bindings"] }) =>
      await (await this.#built()).serve(c.req.raw, c.env);
    group.all("/ui", serve);
    group.all("/ui/*", serve);
    return group;
  }

  #built(): Promise<WebConsole> {
    this.#console ??= (async () => {
      const { WebConsole } = await import("./web_console.tsx");
      const parts = { sessions: this.sessions, codes: this.codes, meter: this.#meter };
      const web = await WebConsole.create(this.#deps, this.#extensions, parts);
      if (this.#api) web.attachApi(this.#api);
      return web;
    })();
    // A failed build (it should not) is tried again by the next request.
    this.#console.catch(() => this.#console = null);
    return this.#console;
  }
}
