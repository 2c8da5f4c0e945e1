/** The plugin lifecycle: install, grant, enable, update, config, uninstall, storage, logs. */
export { type PluginEvents, PluginService } from "./plugin_service.ts";
export { ConfigValidationError, PluginConfigs } from "./plugin_configs.ts";
export { ConflictError, NotFoundError } from "./errors.ts";
export { LogRings } from "./log_ring.ts";
export { PluginStorage, STORAGE_QUOTA_BYTES } from "./storage.ts";
export type { PluginEventSink } from "./host_calls.ts";
export type { PluginContext } from "./plugin_context.ts";
export type { PluginRecord, PluginState, SystemEventSink } from "./types.ts";
export { findPlugin, listPlugins } from "./repository.ts";
export { validateConfigValues } from "./config_values.ts";
export { copyPackage, removePackage } from "./copy_package.ts";
export { type PluginPaths, pluginPaths } from "./plugin_paths.ts";
export {
  describeIsolation,
  detectPluginRuntime,
  type DetectPluginRuntimeOptions,
} from "./plugin_runtime.ts";
export { memoryUids, storeUids, type UidAllocator } from "./plugin_uids.ts";
export { commandLine, pluginPlan } from "./plugin_launch.ts";
export type { PluginRuntime } from "./plugin_context.ts";
export { type ForcedFailure, forceFail } from "./force_fail.ts";
export { createPluginDbAccess, DB_OPS, PluginDbAccess } from "./plugin_db_access.ts";
export { checkLikeInstall, type StagedCheck, stageForCheck } from "./build_check.ts";
export type { SourceOptions } from "./resolve_source.ts";
export { isSystemAddon, type SystemAddonHooks } from "./system_addons.ts";
export {
  addonFolderProblems,
  addonPlan,
  type AddonPlanOptions,
  CONTRACT_UID,
  hiddenPaths,
  prepareAddon,
  preparedOperations,
} from "./addon_launch.ts";
export { prepareDirs } from "./folder_owners.ts";
export type { CallOptions, RecordFacts } from "./plugin_calls.ts";
export {
  PluginTenants,
  runsFor,
  TenantCallError,
  type TenantPlugin,
  type TenantScopeChange,
} from "./plugin_tenants.ts";
export { TenantConfigs, type TenantConfigView } from "./tenant_configs.ts";
