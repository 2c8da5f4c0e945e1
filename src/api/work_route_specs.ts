/** Route table entries of the work model (issue 15): executions, and more as they land. */
import { obj, type RouteSpec, str } from "./route_spec.ts";

const execution = obj({
  id: { type: "integer" },
  plugin: str,
  kind: str,
  name: str,
  tenant: { type: ["string", "null"] },
  status: { enum: ["ok", "error", "timeout", "crashed", "cancelled", "interrupted"] },
  attempt: { type: "integer" },
  started_at: str,
  duration_ms: { type: ["number", "null"] },
  error: { type: ["string", "null"] },
  input: { type: ["string", "null"] },
  output: { type: ["string", "null"] },
  event_id: { type: ["string", "null"] },
  task_id: { type: ["string", "null"] },
});

const deadLetter = obj({
  plugin: str,
  hook: str,
  status: { enum: ["error", "timeout", "failed"] },
  attempts: { type: "integer" },
  error: { type: ["string", "null"] },
});

const attempt = obj({
  attempt: { type: "integer" },
  status: { enum: ["ok", "error", "timeout", "crashed", "cancelled", "interrupted"] },
  started_at: str,
  duration_ms: { type: ["number", "null"] },
  error: str,
});

const task = obj({
  id: str,
  type: str,
  plugin: { type: ["string", "null"] },
  tenant: { type: ["string", "null"] },
  status: { enum: ["queued", "running", "succeeded", "failed", "cancelled", "dead"] },
  priority: { type: "integer" },
  idempotency_key: { type: ["string", "null"] },
  input: {},
  result: {},
  error: { type: ["string", "null"] },
  progress: { type: ["object", "null"] },
  attempts: { type: "array", items: attempt },
  created_at: str,
  started_at: { type: ["string", "null"] },
  finished_at: { type: ["string", "null"] },
  next_attempt_at: { type: ["string", "null"] },
  scope: { enum: ["fleet"], description: "fleet tasks only (a `fleet: true` type in a fleet)" },
  host: { type: ["string", "null"], description: "fleet tasks: the host that runs or ran it" },
  accepted_by: { type: "string", description: "fleet tasks: the host that accepted it" },
});

/** The routes. */
export const WORK_ROUTES: readonly RouteSpec[] = [
  {
    method: "POST",
    path: "/v1/tasks/{type}",
    scope: "emitter",
    tag: "tasks",
    summary: "Hand a task to the plugin that processes its type: persisted, then 202 {id} " +
      "(200 {id, duplicate: true} for a used idempotency key); with wait, the task when it ends",
    query: { wait: "seconds (0-300) to wait for the task to end; answers the task" },
    request: obj({
      input: {},
      priority: { type: "integer", minimum: -100, maximum: 100 },
      idempotency_key: str,
      tenant: { type: ["string", "null"] },
    }),
    response: obj({ id: str, duplicate: { type: "boolean" } }),
    status: 202,
  },
  {
    method: "GET",
    path: "/v1/tasks",
    scope: "reader",
    tag: "tasks",
    summary: "Tasks newest first (without input and result), paged with cursor; in a fleet, " +
      "this host's tasks and the fleet's tasks (scope: fleet) together",
    query: {
      scope: "local (this host's tasks only) or fleet (the fleet's tasks only); default both",
      type: "task type",
      status: "queued, running, succeeded, failed, cancelled, dead",
      since: "ISO time, ms, or a span back from now (15m, 24h, 7d)",
      until: "same forms",
      cursor: "the next of the previous page",
      limit: "1-500, default 50",
    },
    response: obj({
      tasks: { type: "array", items: task },
      next: { type: ["string", "null"] },
      warning: {
        type: "string",
        description: "present when the fleet's tasks could not be read (NATS unreachable)",
      },
    }),
  },
  {
    method: "GET",
    path: "/v1/tasks/{id}",
    scope: "reader",
    tag: "tasks",
    summary: "A task: status, attempts, progress, result or error, timings",
    query: { wait: "seconds (0-300) to wait for the task to end" },
    response: task,
  },
  {
    method: "POST",
    path: "/v1/tasks/{id}/cancel",
    scope: "emitter",
    tag: "tasks",
    summary: "Cancel a queued task, or a running one in its plugin (409 once it has ended)",
    response: task,
  },
  {
    method: "GET",
    path: "/v1/events",
    scope: "reader",
    tag: "hooks",
    summary: "Stored events newest first with their deliveries in brief and their dead letters " +
      "(deliveries that finally failed), paged with cursor",
    query: {
      type: "exact type, or a prefix ending in *",
      status: "pending (any delivery pending), dead (a dead letter, nothing pending), ok",
      plugin: "only events delivered to this plugin",
      since: "ISO time, ms, or a span back from now (15m, 24h, 7d)",
      until: "same forms",
      cursor: "the next of the previous page",
      limit: "1-500, default 50",
    },
    response: obj({
      events: {
        type: "array",
        items: obj({
          id: str,
          type: str,
          source: str,
          tenant: { type: ["string", "null"] },
          received_at: str,
          status: { enum: ["pending", "dead", "ok"] },
          deliveries: obj({
            ok: { type: "integer" },
            pending: { type: "integer" },
            dead: { type: "integer" },
          }),
          dead_letters: { type: "array", items: deadLetter },
        }),
      },
      next: { type: ["string", "null"] },
    }),
  },
  {
    method: "POST",
    path: "/v1/events/{id}/redeliver",
    scope: "operator",
    tag: "hooks",
    summary: "Deliver a dead letter again: the event's error/timeout/failed deliveries to the " +
      "plugin go back to pending with a fresh retry budget (409 if none, audited)",
    request: obj({ plugin: str }, ["plugin"]),
    response: obj({ id: str, plugin: str, hooks: { type: "array", items: str } }),
    status: 202,
  },
  {
    method: "GET",
    path: "/v1/executions",
    scope: "reader",
    tag: "executions",
    summary: "Execution records of calls into plugins, newest first (inputs and outputs as " +
      "4 KiB previews with secrets redacted), paged with cursor",
    query: {
      plugin: "plugin id",
      kind: "action, filter, gate, route, cron, task, command, lifecycle, operation, check",
      status: "ok, error, timeout, crashed, cancelled, interrupted",
      tenant: "tenant id",
      event: "event id",
      task: "task id",
      since: "ISO time, ms, or a span back from now (15m, 24h, 7d)",
      until: "same forms",
      cursor: "the next of the previous page",
      limit: "1-500, default 50",
    },
    response: obj({
      executions: { type: "array", items: execution },
      next: { type: ["string", "null"] },
    }),
  },
  {
    method: "GET",
    path: "/v1/executions/{id}",
    scope: "reader",
    tag: "executions",
    summary: "One execution record",
    response: execution,
  },
];
