/**
 * Every HTTP route of plugd, in one table: it generates `GET /v1/openapi.json`, drives the
 * auth-matrix tests (tests/operator/) and is checked against the routes the daemon really
 * registers. ADDING A ROUTE? Append its entry here, or to plugin_route_specs.ts for a
 * `/v1/plugins...` route (the openapi test prints the exact line).
 */
import { PLUGIN_ROUTES } from "./plugin_route_specs.ts";
import { MARKETPLACE_ROUTES } from "./marketplace_route_specs.ts";
import { FLEET_ROUTES } from "./fleet_route_specs.ts";
import { WORK_ROUTES } from "./work_route_specs.ts";
import { TENANT_ROUTES } from "./tenant_route_specs.ts";
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
    method: "POST",
    path: "/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
    scope: "operator",
    tag: "webhooks",
    summary: "Send a delivered or failed delivery again now (same message id): 202",
  },
  {
    method: "POST",
    path: "/v1/events",
    scope: "emitter",
    tag: "hooks",
    summary: "Emit a CloudEvent: 202 {id}, or with wait=true 200 {id, results}; a batch " +
      "(application/cloudevents-batch+json): 202 {ids, duplicates}",
    query: { wait: "true to wait for the action results (single events only)" },
    request: {
      type: "object",
      description: "CloudEvent 1.0 (structured JSON); the extension attribute `tenant` (a " +
        "registered tenant, else 400) reaches only plugins that run for that tenant",
    },
    requestTypes: {
      "application/cloudevents-batch+json": {
        type: "array",
        minItems: 1,
        maxItems: 1000,
        items: { type: "object", description: "CloudEvent 1.0, as a single event" },
        description: "CloudEvents batched mode: every event validated and stored as a single " +
          "one, all in one commit before the 202 {ids (in order), duplicates}; one bad event " +
          "refuses the batch (problem+json with its `index`); over TCP each event counts " +
          "against the token's rate limit; wait=true is refused",
      },
    },
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
    summary: "Run a filter chain: {data, tenant?} -> {data, applied, skipped}",
    request: obj({ data: {}, tenant: str }, ["data"]),
  },
  {
    method: "POST",
    path: "/v1/gates/{name}",
    scope: "emitter",
    tag: "hooks",
    summary: "Ask a gate: {data, tenant?} -> {allowed, votes}",
    request: obj({ data: {}, tenant: str }, ["data"]),
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
