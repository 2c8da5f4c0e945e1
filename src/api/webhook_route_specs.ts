/** Route table entries of outgoing webhooks and their deliveries (`/v1/webhooks...`). */
import { list, obj, type RouteSpec, str } from "./route_spec.ts";

/** The routes. */
export const WEBHOOK_ROUTES: readonly RouteSpec[] = [
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
];
