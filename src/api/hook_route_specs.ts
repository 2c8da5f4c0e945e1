/** Route table entries of the hook bus: events, filters and gates. */
import { obj, type RouteSpec, str } from "./route_spec.ts";

/** The routes. */
export const HOOK_ROUTES: readonly RouteSpec[] = [
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
];
