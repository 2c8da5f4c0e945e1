/**
 * A running plugin under test, and its calls as the daemon makes them: an event to the matching
 * action, filters, gates, routes through the daemon's own route matcher, cron and commands.
 */
import { type Manifest, matchRoute, routeHandlerName } from "../manifest/mod.ts";
import type { DbResult } from "../plugin_db/mod.ts";
import type {
  InvokeOptions,
  LogLine,
  MemoryHost,
  PluginStats,
  RouteResult,
  Supervisor,
} from "../runtime/mod.ts";
import type { CloudEvent, GateDecision } from "../../sdk/types.ts";

/** A running plugin under test. */
export interface HarnessSession extends AsyncDisposable {
  readonly id: string;
  /** Lines the plugin logged (stdout, stderr, ctx.log, console, system). */
  readonly logs: LogLine[];
  /** The in-memory host: `storage`, `tenantStorage` and `emitted` events. */
  readonly host: MemoryHost;
  readonly supervisor: Supervisor;
  /**
   * The plugin's database (a temporary file, with the grant's quota and the manifest's
   * migrations applied), to set up or check rows: the same guard applies as to `ctx.db`. With
   * `init.tenant`, that tenant's database.
   */
  readonly db: {
    execute(sql: string, args?: unknown[], init?: ForTenant): Promise<DbResult>;
  };
  /** Deliver an event to the matching action handler; resolves to its return value. */
  emit(type: string, data?: unknown, init?: ForTenant): Promise<unknown>;
  filter(name: string, data: unknown, init?: ForTenant): Promise<unknown>;
  gate(name: string, data: unknown, init?: ForTenant): Promise<GateDecision>;
  route(
    method: string,
    path: string,
    init?: { headers?: HeadersInit; body?: string },
  ): Promise<Response>;
  cron(name: string): Promise<void>;
  /**
   * Runs a command as `plugd <id> <name> [args...]` would; resolves to its exit code and output
   * (each chunk also goes to `onOutput` as it is written). `signal` cancels it like Ctrl-C.
   */
  command(
    name: string,
    args?: string[],
    init?: { onOutput?: (chunk: string) => void; signal?: AbortSignal },
  ): Promise<{ code: number; output: string }>;
  stats(): Promise<PluginStats>;
}

/** A call made for a tenant (one named in `StartPluginOptions.tenants`); absent: plugin-wide. */
export interface ForTenant {
  tenant?: string | null;
}

/** One call into the plugin under test (the supervisor's invoke, with the tenant's scope). */
export type HarnessCall = (
  kind: "action" | "filter" | "gate" | "route" | "cron" | "command",
  name: string,
  payload?: unknown,
  opts?: InvokeOptions,
  init?: ForTenant,
) => Promise<unknown>;

/**
 * The session's calls into the plugin, each checked against its manifest; a cancelled command
 * may take `options.cancelGraceMs` to answer.
 */
export function pluginCalls(
  manifest: Manifest,
  call: HarnessCall,
  options: { readonly cancelGraceMs?: number },
): Pick<HarnessSession, "emit" | "filter" | "gate" | "route" | "cron" | "command"> {
  return {
    emit(type, data, init) {
      const hook = manifest.hooks.find((h) => h.kind === "action" && matches(h.name, type));
      if (!hook) throw new Error(`No action in plugin.yaml matches "${type}"`);
      const event: CloudEvent = {
        specversion: "1.0",
        id: crypto.randomUUID(),
        source: "/test",
        type,
        time: new Date().toISOString(),
        datacontenttype: "application/json",
        data,
        ...(init?.tenant ? { tenant: init.tenant } : {}),
      };
      return call("action", hook.name, event, undefined, init);
    },
    filter: (name, data, init) => call("filter", name, data, undefined, init),
    gate: async (name, data, init) =>
      await call("gate", name, data, undefined, init) as GateDecision,
    async route(method, path, init = {}) {
      const url = new URL(path, "http://plugin.local");
      // The daemon's own matcher: `:name` segments and their params work as in production.
      const match = matchRoute(manifest.routes, method, url.pathname);
      if (!match) throw new Error(`No route "${method} ${url.pathname}" in plugin.yaml`);
      const r = await call("route", routeHandlerName(match.route), {
        method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: [...new Headers(init.headers)],
        params: match.params,
        body: init.body,
        bodyEncoding: "text",
      }) as RouteResult;
      const body = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array<ArrayBuffer> })
        .fromBase64(r.body);
      return new Response(r.status === 204 || r.status === 304 ? null : body, {
        status: r.status,
        headers: r.headers,
      });
    },
    async cron(name) {
      await call("cron", name);
    },
    async command(name, args = [], init = {}) {
      const decl = manifest.commands?.find((c) => c.name === name);
      if (!decl) throw new Error(`No command "${name}" in plugin.yaml`);
      let output = "";
      const onOutput = (chunk: string) => {
        output += chunk;
        init.onOutput?.(chunk);
      };
      const code = await call("command", name, { args }, {
        onOutput,
        signal: init.signal,
        cancelGraceMs: options.cancelGraceMs,
        timeoutMs: decl.timeout_ms,
      });
      return { code: code as number, output };
    },
  };
}

function matches(pattern: string, type: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
