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
export type {
  ActionHandler,
  CloudEvent,
  CronHandler,
  DefinedPlugin,
  FilterHandler,
  GateDecision,
  GateHandler,
  HealthStatus,
  PluginContext,
  PluginDefinition,
  PluginLogger,
  PluginStorage,
  RouteHandler,
} from "./types.ts";
