/** Route-table entries of the fleet: apply, status, rollouts (docs/fleet.md). */
import { obj, type RouteSpec, str } from "./route_spec.ts";

const rollout = obj({
  plugin: str,
  id: { type: ["string", "null"] },
  from: { type: ["string", "null"] },
  to: str,
  state: { enum: ["none", "running", "paused", "halted", "aborted", "complete"] },
  wave: { type: ["integer", "null"] },
  waves: { type: "array", items: { type: "array", items: { type: "object" } } },
  attempt: { type: "integer" },
});

export const FLEET_ROUTES: readonly RouteSpec[] = [
  {
    method: "GET",
    path: "/v1/fleet/status",
    scope: "reader",
    tag: "fleet",
    summary: "Hosts, desired plugins and each host's status per plugin (from the KV bucket)",
    response: obj({
      host: str,
      connected: { type: "boolean" },
      hosts: { type: "array", items: { type: "object" } },
      plugins: { type: "array", items: { type: "object" } },
      statuses: { type: "array", items: { type: "object" } },
    }),
  },
  {
    method: "POST",
    path: "/v1/fleet/apply",
    scope: "admin",
    tag: "fleet",
    summary:
      "Check a fleet document against the registry's packages, plan, and write the desired state",
    request: obj({ document: { type: "object" }, dry_run: { type: "boolean" } }, ["document"]),
    response: obj({
      written: { type: "boolean" },
      plugins: { type: "array", items: { type: "object" } },
    }),
  },
  {
    method: "POST",
    path: "/v1/fleet/events",
    scope: "emitter",
    tag: "fleet",
    summary:
      "Emit a CloudEvent to every host of the fleet (stored here first, delivered at least once " +
      "to each host's intake; same as POST /v1/events with scope: fleet)",
    request: obj({ specversion: str, type: str, source: str }, ["specversion", "type", "source"]),
    response: obj({ id: str, scope: str }),
  },
  {
    method: "DELETE",
    path: "/v1/fleet/hosts/{host}",
    scope: "admin",
    tag: "fleet",
    summary: "Forget a host that left for good: its heartbeat, statuses and event consumer " +
      "(refused while it is heard from, unless ?force=true)",
    response: obj({ host: str, statuses: { type: "integer" }, consumer: { type: "boolean" } }),
  },
  {
    method: "GET",
    path: "/v1/fleet/rollouts",
    scope: "reader",
    tag: "fleet",
    summary: "Every plugin's rollout and where it stands",
    response: obj({ rollouts: { type: "array", items: rollout } }),
  },
  {
    method: "GET",
    path: "/v1/fleet/rollouts/{plugin}",
    scope: "reader",
    tag: "fleet",
    summary: "One plugin's rollout: waves, hosts, state",
    response: rollout,
  },
  ...(["pause", "resume", "abort"] as const).map((action): RouteSpec => ({
    method: "POST",
    path: `/v1/fleet/rollouts/{plugin}/${action}`,
    scope: "operator",
    tag: "fleet",
    summary: action === "pause"
      ? "Pause a rollout: hosts not yet updated wait"
      : action === "resume"
      ? "Resume a paused rollout, or retry a halted one (a new attempt)"
      : "Abort a rollout: every host goes back to the previous version",
    response: rollout,
  })),
];
