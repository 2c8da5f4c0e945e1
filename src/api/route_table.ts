/**
 * Every HTTP route of plugd, in one table: it generates `GET /v1/openapi.json`, drives the
 * auth-matrix tests (tests/operator/) and is checked against the routes the daemon really
 * registers. ADDING A ROUTE? Append its entry here (the openapi test prints the exact line).
 */
import type { Scope } from "../auth/mod.ts";

/** A JSON Schema sketch (enough for a reader and a client generator, not exhaustive). */
export type JsonSchema = Record<string, unknown>;

/** One route. */
export interface RouteSpec {
  /** `ALL` for routes that accept any method (a plugin's own routes). */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ALL";
  /** OpenAPI-style path: `/v1/tokens/{id}`; a trailing `{path}` stands for Hono's `*`. */
  path: string;
  /** Scope the caller needs over TCP; `null` = no authentication. */
  scope: Scope | null;
  summary: string;
  tag: string;
  /** Query parameters: name -> description. */
  query?: Record<string, string>;
  request?: JsonSchema;
  response?: JsonSchema;
  /** Success status. @default 200 */
  status?: number;
  /** Response media type. @default "application/json" */
  contentType?: string;
}

const str = { type: "string" };
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
});
const list = (key: string, items: JsonSchema): JsonSchema =>
  obj({ [key]: { type: "array", items } });
const token = obj({
  id: str,
  name: str,
  scope: { enum: ["admin", "operator", "reader", "emitter"] },
  created_at: str,
  expires_at: { type: ["string", "null"] },
  revoked_at: { type: ["string", "null"] },
  last_used_at: { type: ["string", "null"] },
});
const plugin = obj({ id: str, version: str, state: str, manifest: { type: "object" } });
const source = obj({ source: str, allow_downgrade: { type: "boolean" } }, ["source"]);

/** The route table. Keep it in the order of SPEC §8. */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  {
    method: "GET",
    path: "/v1/health",
    scope: null,
    tag: "daemon",
    summary: "Liveness and version",
    response: obj({ status: str, state: str, version: str, uptime_s: { type: "integer" } }),
  },
  {
    method: "GET",
    path: "/v1/plugins",
    scope: "reader",
    tag: "plugins",
    summary: "List plugins with state, version, health",
    response: list("plugins", plugin),
  },
  {
    method: "POST",
    path: "/v1/plugins",
    scope: "operator",
    tag: "plugins",
    summary: "Install a plugin from a folder, .tgz or name@range",
    request: source,
    status: 201,
  },
  {
    method: "GET",
    path: "/v1/plugins/{id}",
    scope: "reader",
    tag: "plugins",
    summary: "Manifest, state, grants, health, stats",
    response: plugin,
  },
  {
    method: "DELETE",
    path: "/v1/plugins/{id}",
    scope: "operator",
    tag: "plugins",
    summary: "Uninstall (data kept unless purge=true)",
    query: { purge: "true to delete the plugin's data too" },
  },
  {
    method: "POST",
    path: "/v1/plugins/{id}/grant",
    scope: "operator",
    tag: "plugins",
    summary: "Grant exactly the requested permissions",
    request: obj({ permissions: { type: "object" } }, ["permissions"]),
  },
  {
    method: "POST",
    path: "/v1/plugins/{id}/enable",
    scope: "operator",
    tag: "plugins",
    summary: "Enable (start) a granted plugin",
  },
  {
    method: "POST",
    path: "/v1/plugins/{id}/disable",
    scope: "operator",
    tag: "plugins",
    summary: "Disable (stop) a plugin",
  },
  {
    method: "POST",
    path: "/v1/plugins/{id}/restart",
    scope: "operator",
    tag: "plugins",
    summary: "Restart a plugin",
  },
  {
    method: "POST",
    path: "/v1/plugins/{id}/update",
    scope: "operator",
    tag: "plugins",
    summary: "Update to a new version",
    request: source,
  },
  {
    method: "GET",
    path: "/v1/plugins/{id}/config",
    scope: "reader",
    tag: "plugins",
    summary: 'Config values; secrets shown as "********"',
    response: obj({ config: { type: "object" } }),
  },
  {
    method: "PUT",
    path: "/v1/plugins/{id}/config",
    scope: "operator",
    tag: "plugins",
    summary: 'Replace config; "********" keeps a secret',
    request: { type: "object" },
    response: obj({ config: { type: "object" } }),
  },
  {
    method: "GET",
    path: "/v1/plugins/{id}/logs",
    scope: "reader",
    tag: "plugins",
    summary: "Recent log lines; follow=true streams server-sent events",
    query: { follow: "true for server-sent events", limit: "lines, at most 5000" },
    response: list("lines", obj({ ts: str, stream: str, level: str, msg: str })),
  },
  {
    method: "GET",
    path: "/v1/plugins/{id}/flags",
    scope: "reader",
    tag: "plugins",
    summary: "The exact sandbox and deno command line",
  },
  // Outgoing webhooks (src/webhooks/routes.ts, docs/webhooks.md).
  {
    method: "GET",
    path: "/v1/webhooks",
    scope: "reader",
    tag: "webhooks",
    summary: "List webhooks (never their secrets)",
    response: list("webhooks", { type: "object" }),
  },
  {
    method: "POST",
    path: "/v1/webhooks",
    scope: "operator",
    tag: "webhooks",
    summary: "Subscribe a URL to event types; the whsec_ secret is returned once",
    request: obj({
      url: str,
      event_types: { type: "array", items: str },
      name: str,
      secret: str,
      timeout_ms: { type: "integer" },
      enabled: { type: "boolean" },
    }, ["url", "event_types"]),
    status: 201,
  },
  {
    method: "GET",
    path: "/v1/webhooks/{id}",
    scope: "reader",
    tag: "webhooks",
    summary: "One webhook",
  },
  {
    method: "PUT",
    path: "/v1/webhooks/{id}",
    scope: "operator",
    tag: "webhooks",
    summary: "Change name, url, event_types, timeout_ms or enabled (re-enabling resets failures)",
  },
  {
    method: "DELETE",
    path: "/v1/webhooks/{id}",
    scope: "operator",
    tag: "webhooks",
    summary: "Delete a webhook and its delivery log",
    status: 204,
  },
  {
    method: "POST",
    path: "/v1/webhooks/{id}/test",
    scope: "operator",
    tag: "webhooks",
    summary: "Queue a webhook.test delivery; wait=true returns the first attempt",
    query: { wait: "true: wait for the first attempt's outcome" },
    status: 202,
  },
  {
    method: "POST",
    path: "/v1/webhooks/{id}/rotate",
    scope: "operator",
    tag: "webhooks",
    summary: "New secret (returned once); the old one keeps signing for 24 h",
  },
  {
    method: "GET",
    path: "/v1/webhooks/{id}/deliveries",
    scope: "reader",
    tag: "webhooks",
    summary: "Deliveries, newest first, with their attempts",
    query: { limit: "1..500 (default 50)", cursor: "next_cursor of the previous page" },
  },
  {
    method: "GET",
    path: "/v1/jobs",
    scope: "reader",
    tag: "plugins",
    summary: "Long-running lifecycle jobs (install, update) and their progress",
  },
  {
    method: "GET",
    path: "/v1/jobs/{id}",
    scope: "reader",
    tag: "plugins",
    summary: "One job's status and progress",
  },
  {
    method: "ALL",
    path: "/v1/plugins/{id}/routes/{path}",
    scope: "reader",
    tag: "plugins",
    summary: "A plugin's own HTTP routes (GET/HEAD need reader, other methods operator)",
  },
  {
    method: "POST",
    path: "/v1/events",
    scope: "emitter",
    tag: "hooks",
    summary: "Emit a CloudEvent: 202 {id}, or with wait=true 200 {id, results}",
    query: { wait: "true to wait for the action results" },
    request: { type: "object", description: "CloudEvent 1.0 (structured JSON)" },
    status: 202,
  },
  {
    method: "GET",
    path: "/v1/events/{id}",
    scope: "reader",
    tag: "hooks",
    summary: "An event's per-plugin results",
  },
  {
    method: "POST",
    path: "/v1/filters/{name}",
    scope: "emitter",
    tag: "hooks",
    summary: "Run a filter chain: {data} -> {data, applied, skipped}",
    request: obj({ data: {} }, ["data"]),
  },
  {
    method: "POST",
    path: "/v1/gates/{name}",
    scope: "emitter",
    tag: "hooks",
    summary: "Ask a gate: {data} -> {allowed, votes}",
    request: obj({ data: {} }, ["data"]),
  },
  {
    method: "GET",
    path: "/v1/gates/{name}/policy",
    scope: "reader",
    tag: "hooks",
    summary: "A gate's failure policy (fail-closed or fail-open)",
  },
  {
    method: "PUT",
    path: "/v1/gates/{name}/policy",
    scope: "operator",
    tag: "hooks",
    summary: "Set a gate's failure policy",
    request: obj({ fail_open: { type: "boolean" } }, ["fail_open"]),
  },
  {
    method: "GET",
    path: "/v1/audit",
    scope: "reader",
    tag: "audit",
    summary: "Audit rows (oldest first), or verify=true to check the hash chain",
    query: {
      limit: "rows, 1..1000 (default 100)",
      after: "seq to start after (paging)",
      verify: "true: verify the chain and its head",
    },
    response: obj({
      rows: { type: "array" },
      next_after: { type: ["integer", "null"] },
      ok: { type: "boolean" },
      broken_at: { type: ["integer", "null"] },
      reason: { type: ["string", "null"] },
    }),
  },
  {
    method: "GET",
    path: "/v1/tokens",
    scope: "admin",
    tag: "tokens",
    summary: "List tokens (never their secrets)",
    response: list("tokens", token),
  },
  {
    method: "POST",
    path: "/v1/tokens",
    scope: "admin",
    tag: "tokens",
    summary: "Create a token; its text is returned once",
    request: obj({
      name: str,
      scope: { enum: ["admin", "operator", "reader", "emitter"] },
      expires_in_s: { type: "integer" },
      expires_at: str,
    }, ["scope"]),
    response: { ...token, properties: { ...(token.properties as object), token: str } },
    status: 201,
  },
  {
    method: "DELETE",
    path: "/v1/tokens/{id}",
    scope: "admin",
    tag: "tokens",
    summary: "Revoke a token",
    response: token,
  },
  {
    method: "GET",
    path: "/v1/keys",
    scope: "reader",
    tag: "keys",
    summary: "Trusted signing keys",
  },
  {
    method: "POST",
    path: "/v1/keys",
    scope: "admin",
    tag: "keys",
    summary: "Trust a public key",
    request: obj({
      public_key: str,
      name: str,
      allowed_ids: { type: "array", items: str },
      expires_at: str,
    }, ["public_key"]),
    status: 201,
  },
  {
    method: "DELETE",
    path: "/v1/keys/{id}",
    scope: "admin",
    tag: "keys",
    summary: "Revoke a trusted key",
  },
  {
    method: "GET",
    path: "/v1/catalog",
    scope: "reader",
    tag: "catalog",
    summary: "Plugins available in the registry indexes",
    query: { q: "text to search for", category: "category filter" },
  },
  {
    method: "GET",
    path: "/v1/openapi.json",
    scope: null,
    tag: "daemon",
    summary: "This document (OpenAPI 3.1)",
  },
  {
    method: "GET",
    path: "/metrics",
    scope: "reader",
    tag: "daemon",
    summary: "Prometheus metrics (text format 0.0.4)",
    contentType: "text/plain; version=0.0.4",
  },
];

/** Converts a Hono path (`/v1/tokens/:id`, `/x/*`) to the table's form (`/v1/tokens/{id}`). */
export function toSpecPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}").replace(/\/\*$/, "/{path}");
}
