/**
 * `@plugd/sdk`: what a plugin entry imports.
 *
 * @example
 * ```ts
 * import { definePlugin } from "@plugd/sdk";
 * export default definePlugin({
 *   actions: { "deployment.post_create": async (event, ctx) => ctx.log.info("got", { id: event.id }) },
 * });
 * ```
 * @module
 */
export { definePlugin } from "./define_plugin.ts";
export { SDK_VERSION } from "./version.ts";
export {
  type HmacOptions,
  type SlackOptions,
  type StandardWebhookOptions,
  verifyGitHubSignature,
  verifyGitLabToken,
  verifyHmacSha256,
  verifySlackSignature,
  verifyStandardWebhook,
} from "./signatures/on_demand.ts";
export type {
  ActionHandler,
  CloudEvent,
  CommandContext,
  CommandHandler,
  CommandOutput,
  CronHandler,
  DefinedPlugin,
  FilterHandler,
  GateDecision,
  GateHandler,
  HealthStatus,
  MaybePromise,
  PathParams,
  PluginContext,
  PluginDatabase,
  PluginDefinition,
  PluginLogger,
  PluginMetrics,
  PluginStorage,
  RouteContext,
  RouteHandler,
  RouteParams,
  RoutePath,
  SqlArgs,
  SqlResult,
  SqlStatement,
  SqlTransaction,
  SqlValue,
  TaskContext,
  TaskHandler,
} from "./types.ts";
export { PermanentTaskError } from "./task_error.ts";
