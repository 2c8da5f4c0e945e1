/**
 * System addons (`kind: system`): bash scripts with the seed-001 contract, run as operations with
 * execution records, checked periodically, in the same registry, grants and sandbox as plugins.
 *
 * @example
 * ```ts
 * const addons = new AddonService({ store, config, layout, runtime, plugins, log });
 * plugins.attachSystemAddons(addons);
 * const { record, live } = await addons.start("pg", "install", [], "socket");
 * ```
 * @module
 */
export { AddonService, type AddonServiceOptions } from "./addon_service.ts";
export { AddonArgumentError, AddonOperationError } from "./errors.ts";
export type { LiveEvent, LiveExecution } from "./live_execution.ts";
export type { ExecutionFilter } from "./executions.ts";
export type {
  AddonHealth,
  AddonOperation,
  AddonState,
  AddonStatus,
  ExecutionKind,
  ExecutionRecord,
  ExecutionStatus,
} from "./types.ts";
export { addonConfigEnv, configVariable, redactor } from "./config_env.ts";
