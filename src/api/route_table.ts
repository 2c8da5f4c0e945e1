/**
 * Every HTTP route of plugd, in one table: it generates `GET /v1/openapi.json`, drives the
 * auth-matrix tests (tests/operator/) and is checked against the routes the daemon really
 * registers. ADDING A ROUTE? Append its entry here, or to its group's `*_route_specs.ts` file
 * (plugin_route_specs.ts for a `/v1/plugins...` route, webhook_route_specs.ts for
 * `/v1/webhooks...`, hook_route_specs.ts for events, filters and gates); the openapi test prints
 * the exact line.
 */
import { PLUGIN_ROUTES } from "./plugin_route_specs.ts";
import { MARKETPLACE_ROUTES } from "./marketplace_route_specs.ts";
import { FLEET_ROUTES } from "./fleet_route_specs.ts";
import { WORK_ROUTES } from "./work_route_specs.ts";
import { TENANT_ROUTES } from "./tenant_route_specs.ts";
import { WEBHOOK_ROUTES } from "./webhook_route_specs.ts";
import { HOOK_ROUTES } from "./hook_route_specs.ts";
import { list, obj, type RouteSpec, str, token } from "./route_spec.ts";

export type { JsonSchema, RouteSpec } from "./route_spec.ts";

/** Every route, in the order the OpenAPI document lists them. */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  {
    method: "GET",
    path: "/v1/health",
    scope: null,
    tag: "daemon",
    summary: "Liveness and version",
    response: obj({
      status: str,
      state: str,
      version: str,
      uptime_s: { type: "integer" },
      fleet: { enum: ["connected", "disconnected"] },
    }),
  },
  ...PLUGIN_ROUTES,
  ...WEBHOOK_ROUTES,
  ...HOOK_ROUTES,
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
    method: "POST",
    path: "/v1/backup",
    scope: "admin",
    tag: "daemon",
    summary:
      "Stream a consistent backup (DB snapshot, packages, plugin data, config; the master key only encrypted)",
    request: obj({ passphrase: str, include_master_key: { type: "boolean" } }),
    contentType: "application/octet-stream",
  },
  {
    method: "GET",
    path: "/v1/master-key",
    scope: "admin",
    tag: "keys",
    summary: "The master key in force, by its public id (never the key)",
    response: obj({ key_id: str, key_file: str, rotated_at: { type: ["string", "null"] } }),
  },
  {
    method: "POST",
    path: "/v1/master-key/rotate",
    scope: "admin",
    tag: "keys",
    summary: "Re-seal every stored secret under a new master key (crash-safe; 409 while running)",
    response: obj({
      key_id: str,
      previous_key_id: str,
      secrets: { type: "integer" },
      key_file: str,
      installed: { type: "boolean" },
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
  ...MARKETPLACE_ROUTES,
  ...FLEET_ROUTES,
  ...WORK_ROUTES,
  ...TENANT_ROUTES,
  {
    method: "POST",
    path: "/v1/ui/login-codes",
    scope: "admin",
    tag: "console",
    summary: "A one-time web console sign-in code and link (plugd ui); valid 2 minutes, once",
    request: obj({}),
    response: obj({ code: str, url: str, expires_at: str }),
    status: 201,
  },
  {
    method: "ALL",
    path: "/ui",
    scope: null,
    tag: "console",
    summary: "The web console (HTML, TCP only; signs in with a token into a session cookie)",
    contentType: "text/html",
  },
  {
    method: "ALL",
    path: "/ui/{path}",
    scope: null,
    tag: "console",
    summary: "Web console pages, forms, live feed and hashed assets (TCP only)",
    contentType: "text/html",
  },
  {
    method: "GET",
    path: "/v1/commands",
    scope: "reader",
    tag: "plugins",
    summary: "Every installed plugin's commands with their summary and usage",
    response: list(
      "commands",
      obj({ plugin: str, state: str, name: str, summary: str, args: str }),
    ),
  },
  {
    method: "ALL",
    path: "/hooks/{id}",
    scope: null,
    tag: "public",
    summary: "A plugin's public route at its root path (auth: none; only while enabled)",
    contentType: "*/*",
  },
  {
    method: "ALL",
    path: "/hooks/{id}/{path}",
    scope: null,
    tag: "public",
    summary: "A plugin's public routes (auth: none): per-route body limit (413), rate limit " +
      "(429 + Retry-After) and timeout; 404 unless the plugin is enabled and declares the route",
    contentType: "*/*",
  },
  {
    method: "GET",
    path: "/plugin-ui/{ticket}/{path}",
    scope: null,
    tag: "console",
    summary: "Files of a plugin's console page or widget for its sandboxed frame (TCP only): the " +
      "ticket in the path, minted for a console session, is the capability; each file carries " +
      "the frame's CSP (sandbox, connect-src 'none', scripts only from this folder)",
    contentType: "*/*",
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
