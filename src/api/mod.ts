/** The HTTP API (Hono), served on TCP and the Unix socket. */
export { type Api, type ApiDeps, createApi, createApp, MAX_BODY_BYTES } from "./app.ts";
export { eventSocketRoute } from "./event_post.ts";
export type { SocketRoute } from "./socket_fast_path.ts";
export { actorProblem, authenticate, requireScope } from "./auth_middleware.ts";
export { SseChannel, type SseChannelOptions } from "./sse_channel.ts";
export {
  DEFAULT_STREAM_LIMITS,
  type StreamLimits,
  StreamRegistry,
  type StreamRegistryOptions,
} from "./stream_registry.ts";
export { toProblemResponse } from "./error_handler.ts";
export { HttpError, type Problem, problem, problemResponse } from "./problem.ts";
export type { ApiEnv, Principal, Transport } from "./types.ts";
export { readJsonObject } from "./read_json.ts";
export { parseRateLimit, type RateLimitOptions } from "./rate_limit.ts";
export { methodNotAllowedProblem } from "./method_not_allowed.ts";
export { registeredRoutes } from "./registered_routes.ts";
export { createWebhookRoutes, type WebhookRouteDeps } from "./webhook_routes.ts";
export { createKeyRoutes } from "./key_routes.ts";
export { createCatalogRoutes } from "./catalog_routes.ts";
export { createAdvisoryRoutes } from "./advisory_routes.ts";
export { createUpdateRoutes } from "./update_routes.ts";
export { createHookRoutes } from "./hook_routes.ts";
export { createPluginRoutes } from "./plugin_routes.ts";
export { createMasterKeyRoutes, type MasterKeyRouteDeps } from "./master_key_routes.ts";
export { type BackupRouteDeps, createBackupRoutes } from "./backup_routes.ts";
export {
  createPublicRoutes,
  PUBLIC_ROUTE_PREFIX,
  type PublicRouteDeps,
} from "./public_hook_routes.ts";
export { PublicRouteLimiter } from "./public_route_limiter.ts";
export {
  type CommandListing,
  type CommandRouteDeps,
  createCommandRoutes,
} from "./command_routes.ts";
export { createFleetRoutes } from "./fleet_routes.ts";
export { createAddonRoutes } from "./addon_routes.ts";
export { createExecutionRoutes, type ExecutionRouteDeps } from "./execution_routes.ts";
export { optionalEnum, optionalTime, pageLimit, parseTime } from "./query_params.ts";
export { createTaskRoutes, type TaskRouteDeps, taskSocketRoute } from "./task_routes.ts";
export { createTenantRoutes } from "./tenant_routes.ts";
