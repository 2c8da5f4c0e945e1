/**
 * Permissions: a plugin's granted permissions mapped onto the exact `deno run` arguments, risk
 * levels, and grant comparison. Pure functions, no I/O. See `docs/permissions.md`.
 *
 * @module
 */

export type { HostPaths, Risk, RiskLevel } from "./types.ts";
export { PermissionError } from "./errors.ts";
export {
  assertHostPaths,
  expandPath,
  type ExpandPathOptions,
  isWithin,
  normalizeAbsolute,
} from "./expand_path.ts";
export { grantProblems } from "./check_grantable.ts";
export { BASE_RUN_FLAGS, denoRunArgs } from "./deno_flags.ts";
export { DAEMON_PORT_HOSTS, DENY_NET_TARGETS, denyNetList } from "./deny_net.ts";
export { assessRisks, highestRisk, RISK_LEVELS } from "./risk.ts";
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
