/**
 * The plugin manifest (`plugin.yaml`) and package checks (SPEC §4, §5).
 *
 * @example
 * ```ts
 * import { loadPluginDir, parseManifest } from "./mod.ts";
 * const { manifest, files } = await loadPluginDir("./plugins/hello");
 * ```
 *
 * @module
 */
export type {
  CommandDecl,
  CronDecl,
  HookDecl,
  HookKind,
  Limits,
  Manifest,
  OperationDecl,
  PermissionKind,
  Permissions,
  PluginKind,
  Problem,
  RouteDecl,
  TaskSettings,
  UiDecl,
  UiPage,
  UiWidget,
} from "./types.ts";
export {
  ADDON_HEALTHS,
  ADDON_OPERATIONS,
  ADDON_STATUSES,
  ADDON_TIMEOUT_DEFAULTS,
  addonFunction,
  type AddonHealth,
  type AddonOperation,
  type AddonStatus,
  DEFAULT_ADDON_ENTRY,
  isAddonOperation,
  MAX_ADDON_TIMEOUT_S,
  REQUIRED_ADDON_OPERATIONS,
} from "./addon_contract.ts";
export { type AddonMetadata, addonMetadataProblems } from "./addon_metadata.ts";
export { ManifestError } from "./errors.ts";
export {
  AUTHORING_FILES,
  DEFAULT_ENTRY,
  DEFAULT_HOOK_PRIORITY,
  DEFAULT_PUBLIC_BODY_KB,
  DEFAULT_PUBLIC_RATE,
  EMIT_CEILINGS,
  ENTRY_EXTENSIONS,
  FORBIDDEN_PACKAGE_NAMES,
  isPluginId,
  LIMIT_CEILINGS,
  LIMIT_DEFAULTS,
  LIMIT_FLOORS,
  MAX_ALIAS_COUNT,
  MAX_COMMANDS,
  MAX_CRON_JOBS,
  MAX_HOOK_PRIORITY,
  MAX_HOOKS,
  MAX_MANIFEST_BYTES,
  MAX_PACKAGE_BYTES,
  MAX_PACKAGE_FILES,
  MAX_PUBLIC_BODY_KB,
  MAX_ROUTES,
  MAX_UI_ENTRIES,
  MIN_HOOK_PRIORITY,
  PLUGIN_ID_PATTERN,
  ROUTE_METHODS,
  UI_RESERVED_FOLDER,
} from "./constants.ts";
export { derivedPermissions, isPublicRoute } from "./derived_permissions.ts";
export { matchRoute, routeHandlerName, type RouteMatch } from "./match_route.ts";
export { MAX_RATE_COUNT, parseRouteRate, type RouteRate } from "./route_rate.ts";
export { argNames, maskSecretArgs } from "./command_args.ts";
export {
  parseManifest,
  type ParseManifestOptions,
  parseManifestProblems,
} from "./parse_manifest.ts";
export { validateManifest } from "./validate_manifest.ts";
// Event names are part of the permission grammar (emit); re-exported for the areas above.
export {
  isEventPattern,
  isEventType,
  matchesEventPattern,
  MAX_EVENT_NAME_LENGTH,
} from "../permissions/mod.ts";
export { compileConfigPattern, MAX_CONFIG_PATTERN_LENGTH } from "./config_value.ts";
export {
  CONFIG_FORMATS,
  CONFIG_TYPES,
  type ConfigRootSchema,
  type ConfigSchema,
  configSchemaAt,
  type ConfigType,
  emptyConfigSchema,
  fromPointer,
  MAX_CONFIG_DEPTH,
  MAX_CONFIG_NODES,
  toPointer,
} from "./config_schema.ts";
export { type ConfigProblem, configProblems, withConfigDefaults } from "./config_problems.ts";
export { normalizeStoredConfigSchema } from "./_validate_config_schema.ts";
export {
  type CheckPackageOptions,
  checkPackageProblems,
  type PackageScan,
} from "./check_package.ts";
export { loadPluginDir, type PluginDir } from "./load_plugin_dir.ts";
export { MIGRATION_FILE } from "./_validate_migrations.ts";
