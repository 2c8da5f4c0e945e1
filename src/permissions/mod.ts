/**
 * Permissions: the one grammar of `permissions:` (every kind in `kinds.ts`), the host rules of a
 * grant, risk levels, grant comparison, and the exact `deno run` arguments. Pure functions, no
 * I/O; this area imports no other. See `docs/permissions.md`.
 *
 * @module
 */

export type {
  HostPaths,
  PermissionKind,
  Permissions,
  PluginView,
  Problem,
  Risk,
  RiskLevel,
} from "./types.ts";
export type { DenoAllowFlag, PermissionKindSpec } from "./kind_spec.ts";
export { isPermissionKind, KIND_NAMES, PERMISSION_KINDS, REFUSED_KINDS } from "./kinds.ts";
export { FORBIDDEN_ENV_PREFIXES, SYS_VALUES } from "./kind_small.ts";
export { UI_SLOTS } from "./kind_surfaces.ts";
export { dbQuotaBytes, DEFAULT_DB_QUOTA, MAX_DB_QUOTA_BYTES, parseDbSize } from "./kind_db.ts";
export { PRIVILEGED_ENTRY } from "./kind_privileged.ts";
export {
  type CheckedPermissions,
  checkPermissions,
  type CheckPermissionsOptions,
} from "./grammar.ts";
export { PermissionError } from "./errors.ts";
export { expandPath, isWithin, normalizeAbsolute, PATH_VARIABLES } from "./expand_path.ts";
export { PLUGD_LOCATIONS, reservedPathProblem, SANDBOX_PATHS } from "./reserved_paths.ts";
export { assertHostPaths, grantProblems } from "./check_grantable.ts";
export {
  BASE_RUN_FLAGS,
  denoRunArgs,
  type DenoRunArgsOptions,
  PLUGIN_V8_FLAGS,
} from "./deno_flags.ts";
export { DAEMON_PORT_HOSTS, DENY_NET_TARGETS, denyNetList } from "./deny_net.ts";
export { assessRisks, highestRisk, RISK_LEVELS, type RiskOptions } from "./risk.ts";
export {
  describeDiff,
  diffPermissions,
  isWidening,
  normalizePermissions,
  type PermissionsDiff,
  permissionsEqual,
} from "./grant_diff.ts";
export { isLocalName, type NetEntry, parseNetEntry } from "./net_entry.ts";
export {
  isEventPattern,
  isEventType,
  matchesEventPattern,
  MAX_EVENT_NAME_LENGTH,
} from "./event_names.ts";
export {
  type AddressClass,
  classifyAddress,
  classifyIPv4,
  classifyIPv6,
  endsInNumber,
  inIPv4Range,
  parseDottedQuad,
  parseIPv6,
  parseLooseIPv4,
} from "./ip.ts";
