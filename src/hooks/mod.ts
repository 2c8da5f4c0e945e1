/** The hook bus: durable CloudEvents, actions, filters, gates, plugin routes and cron. */
export { HookBus } from "./hook_bus.ts";
export type { EmitResult, HookBusOptions } from "./hook_bus_options.ts";
export { validateCloudEvent } from "./cloud_event.ts";
export { newEventId } from "./event_id.ts";
export { storedEnvelope } from "./event_store.ts";
export {
  type EnvelopeProblem,
  EventValidationError,
  HookError,
  ReservedEventTypeError,
} from "./errors.ts";
export {
  EVENT_LIST_STATUSES,
  type EventFilter,
  type EventListStatus,
  type EventPage,
  type EventSummary,
} from "./event_query.ts";
export type { Redelivery } from "./redeliver.ts";
export { type FilterOutcome, runFilterChain } from "./filter_chain.ts";
export { type GateOutcome, type GateVote, runGate } from "./gate_vote.ts";
export { GatePolicies, type GatePolicy } from "./gate_policies.ts";
export { type CronJobStatus, CronScheduler } from "./cron_scheduler.ts";
export { IntakeQueue, type IntakeQueueOptions } from "./intake_queue.ts";
export { ActionDispatcher } from "./action_dispatcher.ts";
export { DISPATCH_LIMITS, type DispatchLimits, type RetryPolicy } from "./dispatch_policy.ts";
export {
  fromRouteResult,
  MAX_ROUTE_BODY,
  RouteBodyTooLargeError,
  type RoutePayloadOptions,
  RouteResponseError,
  toRoutePayload,
} from "./plugin_route.ts";
export type {
  CloudEvent,
  DeliveryResult,
  DeliveryStatus,
  EventView,
  HookHost,
  Subscriber,
} from "./types.ts";
