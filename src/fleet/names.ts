/**
 * Where a fleet lives in NATS: one KV bucket for desired state, statuses, hosts and rollout
 * controls, one stream for fleet events. Several fleets share a NATS by their `fleet.name`.
 */

/** Names of one fleet's NATS objects. */
export interface FleetNames {
  /** KV bucket: `desired.<plugin>`, `status.<host>.<plugin>`, `hosts.<host>`, `control.<plugin>`. */
  bucket: string;
  /** Stream of fleet events (limits retention; one durable consumer per host). */
  eventStream: string;
  /** Subject prefix of fleet events: `<prefix>.<event type>`. */
  eventSubject: string;
  /** Durable consumer name of a host on the event stream. */
  eventConsumer: (hostId: string) => string;
  /** Work-queue stream of fleet tasks (a message per task, removed once acknowledged). */
  taskStream: string;
  /** Subject of a task type on the task stream. */
  taskSubject: (type: string) => string;
  /** Durable consumer of a task type, shared by every host that takes it. */
  taskConsumer: (type: string) => string;
  /** KV bucket of fleet tasks: `task.<id>` (the task as `GET /v1/tasks/{id}` shows it), `key.<hash>`. */
  taskBucket: string;
  /** Subject on which a host hears cancels of the tasks it runs. */
  taskControl: (hostId: string) => string;
}

/** The names for fleet `name` (default `plugd`). */
export function fleetNames(name: string): FleetNames {
  const upper = name.toUpperCase().replace(/-/g, "_");
  return {
    bucket: `${name}_fleet`,
    eventStream: `${upper}_FLEET_EVENTS`,
    eventSubject: `${name}.fleet.events`,
    eventConsumer: (hostId) => `events-${hostId}`,
    taskStream: `${upper}_FLEET_TASKS`,
    taskSubject: (type) => `${name}.fleet.tasks.${type}`,
    taskConsumer: (type) => `tasks-${type.replaceAll(".", "-")}`, // "-" is in no type
    taskBucket: `${name}_fleet_tasks`,
    taskControl: (hostId) => `${name}.fleet.taskctl.${hostId}`,
  };
}

/** KV keys of the fleet bucket. */
export const KEYS = {
  desired: (pluginId: string) => `desired.${pluginId}`,
  status: (hostId: string, pluginId: string) => `status.${hostId}.${pluginId}`,
  host: (hostId: string) => `hosts.${hostId}`,
  control: (pluginId: string) => `control.${pluginId}`,
} as const;
