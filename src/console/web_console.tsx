/**
 * The web console: a Hono app of its own, mounted at `/ui` on the TCP listener only. Pages are
 * rendered on the server (hono/jsx) and work without JavaScript; htmx adds the live feed. Every
 * change goes through the daemon's API in-process, as the session's token.
 */
import { Hono } from "hono";
import type { ApiEnv } from "../api/mod.ts";
import { ApiProblem } from "./api_client.ts";
import { assetResponse, AssetTable } from "./assets.ts";
import { ConsoleExtensions, type ExtensionTools } from "./extensions.ts";
import { Flashes } from "./flashes.ts";
import { ConsoleKit } from "./kit.ts";
import { LiveHub } from "./live_hub.ts";
import { LoginCodes } from "./login_codes.ts";
import { ErrorPage } from "./pages/error_page.tsx";
import { liveRoutes } from "./routes/live_routes.ts";
import { loginCodeRoutes } from "./routes/login_code_routes.ts";
import { loginRoutes } from "./routes/login_routes.tsx";
import { overviewRoutes } from "./routes/overview_routes.tsx";
import { pluginsRoutes } from "./routes/plugins_routes.tsx";
import { pluginPageRoutes } from "./routes/plugin_routes.tsx";
import { pluginActionRoutes } from "./routes/plugin_action_routes.tsx";
import { addonRoutes } from "./routes/addon_routes.tsx";
import { installRoutes } from "./routes/install_routes.tsx";
import { eventsRoutes } from "./routes/events_routes.tsx";
import { executionsRoutes } from "./routes/executions_routes.tsx";
import { tasksRoutes } from "./routes/tasks_routes.tsx";
import { webhooksRoutes } from "./routes/webhooks_routes.tsx";
import { auditRoutes } from "./routes/audit_routes.tsx";
import { fleetRoutes } from "./routes/fleet_routes.tsx";
import { tenantsRoutes } from "./routes/tenants_routes.tsx";
import { accessRoutes } from "./routes/access_routes.tsx";
import { marketplaceRoutes } from "./routes/marketplace_routes.tsx";
import { securityHeaders } from "./security_headers.ts";
import { pageRateFromEnv, pageRateLimit } from "./page_rate_limit.ts";
import { ConsoleError, requireSession } from "./session_middleware.ts";
import { Sessions } from "./sessions.ts";
import { ThroughputMeter } from "./throughput.ts";
import type { ApiFetch, ConsoleDeps, ConsoleEnv, PluginSummary } from "./types.ts";
import { liveFragments } from "./ui/live_fragments.tsx";
import { Layout } from "./ui/layout.tsx";

/** Parts a console can be given ready-made (the lazy front door keeps them from the start). */
export interface ConsoleParts {
  sessions: Sessions;
  codes: LoginCodes;
  meter: ThroughputMeter;
}

/** The console's routes, live feed and samplers; dispose to stop them. */
export class WebConsole {
  readonly extensions: ConsoleExtensions;
  readonly sessions: Sessions;
  readonly codes: LoginCodes;
  readonly assets: AssetTable;
  #kit: ConsoleKit;
  #hub: LiveHub;
  #meter: ThroughputMeter;
  #app: Hono<ConsoleEnv> | null = null;

  private constructor(
    deps: ConsoleDeps,
    assets: AssetTable,
    extensions: ConsoleExtensions,
    parts?: ConsoleParts,
  ) {
    this.extensions = extensions;
    this.assets = assets;
    this.sessions = parts?.sessions ?? new Sessions(deps.store, {
      idleMs: deps.sessionIdleMs,
      maxMs: deps.sessionMaxMs,
    });
    this.codes = parts?.codes ?? new LoginCodes(deps.store, this.sessions);
    this.#kit = new ConsoleKit(deps, assets, extensions, new Flashes());
    this.#meter = parts?.meter ?? new ThroughputMeter(deps.store);
    this.#hub = new LiveHub({
      read: async () => {
        const api = this.#kit.apiAs({ actor: "console", scope: "reader" });
        const { plugins } = await api.get<{ plugins: PluginSummary[] }>("/v1/plugins");
        return liveFragments(plugins);
      },
    });
  }

  /** Builds the console (hashes and compresses its assets). */
  static async create(
    deps: ConsoleDeps,
    extensions = new ConsoleExtensions(),
    parts?: ConsoleParts,
  ): Promise<WebConsole> {
    return new WebConsole(deps, await AssetTable.build(), extensions, parts);
  }

  /** Connects the console to the daemon's API (called once the app exists). */
  attachApi(fetch: ApiFetch): void {
    this.#kit.attach(fetch);
  }

  /** Starts the throughput sampler. */
  async start(): Promise<void> {
    await this.#meter.start();
  }

  /** Stops the live feed and the sampler. */
  async stop(): Promise<void> {
    this.#meter.stop();
    await this.#hub[Symbol.asyncDispose]();
  }

  /**
   * The route group for the daemon's app: `/ui` and `/ui/*` (served on TCP only; the socket
   * answers 404) and the API route `POST /v1/ui/login-codes`.
   */
  routes(): Hono<ApiEnv> {
    const group = loginCodeRoutes(this.codes, this.#kit.deps.facts.publicUrl);
    const serve = (c: { req: { raw: Request }; env: ApiEnv["Bindings"] }) =>
      this.serve(c.req.raw, c.env);
    group.all("/ui", serve);
    group.all("/ui/*", serve);
    return group;
  }

  /** Answers a request to `/ui` or below (the pages are built on the first one). */
  serve(request: Request, env: ApiEnv["Bindings"]): Response | Promise<Response> {
    this.#app ??= this.#build();
    return this.#app.fetch(request, env);
  }

  #build(): Hono<ConsoleEnv> {
    const kit = this.#kit;
    const app = new Hono<ConsoleEnv>();
    app.use("*", securityHeaders(() => this.extensions.frameSources()));
    app.use("*", async (c, next) => {
      if (c.env?.transport === "socket" || c.env?.transport === "console") {
        throw new ConsoleError(404, "The web console is served on the TCP listener only");
      }
      await next();
    });
    app.get("/ui/assets/:file", (c) => {
      const asset = this.assets.byUrl(c.req.path);
      if (!asset) throw new ConsoleError(404, "No such asset (the console was updated; reload)");
      return assetResponse(asset, c.req.header("accept-encoding"));
    });
    loginRoutes(app, kit, this.sessions, this.codes);
    const limit = pageRateLimit(pageRateFromEnv());
    app.use("/ui/*", requireSession(this.sessions), limit); // "/ui/*" matches "/ui" too
    overviewRoutes(app, kit, this.#meter);
    pluginsRoutes(app, kit);
    pluginPageRoutes(app, kit, this.sessions);
    pluginActionRoutes(app, kit);
    addonRoutes(app, kit);
    installRoutes(app, kit);
    eventsRoutes(app, kit);
    tasksRoutes(app, kit);
    executionsRoutes(app, kit);
    webhooksRoutes(app, kit);
    auditRoutes(app, kit);
    fleetRoutes(app, kit);
    tenantsRoutes(app, kit);
    accessRoutes(app, kit);
    marketplaceRoutes(app, kit);
    liveRoutes(app, this.#hub, this.sessions);
    const extra = new Hono<ConsoleEnv>();
    const tools: ExtensionTools = {
      page: (c, o, body) =>
        kit.render(
          c,
          <Layout ctx={kit.page(c)} title={o.title} active={o.active}>{body}</Layout>,
          o.status,
        ),
      api: (c) => kit.api(c),
      fetch: (c, request) => kit.sessionFetch(c, request),
    };
    for (const register of this.extensions.routes()) register(extra, tools);
    app.route("/ui/x", extra);
    app.notFound(async (c) =>
      await kit.render(
        c,
        <ErrorPage ctx={kit.page(c)} status={404} detail="There is no console page here" />,
        404,
      )
    );
    app.onError(async (error, c) => {
      const [status, detail] = error instanceof ConsoleError || error instanceof ApiProblem
        ? [error.status, error.message]
        : [500, "The console failed to render this page; the daemon's log has the details"];
      if (status === 500) console.error("plugd: console error:", error);
      const ctx = kit.page(c);
      return await kit.render(c, <ErrorPage ctx={ctx} status={status} detail={detail} />, status);
    });
    return app;
  }
}
