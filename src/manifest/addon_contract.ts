/**
 * The system-addon contract (a bash `entry` implementing seed 001's functions): operation names,
 * which are required, their default timeouts, and the status and health vocabularies.
 */

/** Operations a system addon implements as `addon_<name>` bash functions. */
export const ADDON_OPERATIONS = [
  "metadata",
  "validate",
  "install",
  "uninstall",
  "status",
  "configure",
  "health",
  "metrics",
  "backup",
  "restore",
  "upgrade",
] as const;

/** One operation of the contract, e.g. `install` (function `addon_install`). */
export type AddonOperation = typeof ADDON_OPERATIONS[number];

/** Functions every system addon must define. */
export const REQUIRED_ADDON_OPERATIONS: readonly AddonOperation[] = [
  "metadata",
  "validate",
  "install",
  "uninstall",
  "status",
  "configure",
];

/** Timeout of each operation in seconds when `operations:` does not set one. */
export const ADDON_TIMEOUT_DEFAULTS: Readonly<Record<AddonOperation, number>> = Object.freeze({
  metadata: 30,
  validate: 60,
  install: 900,
  uninstall: 600,
  status: 30,
  configure: 300,
  health: 30,
  metrics: 30,
  backup: 900,
  restore: 900,
  upgrade: 900,
});

/** Longest timeout a manifest may give one operation, in seconds (one hour). */
export const MAX_ADDON_TIMEOUT_S = 3_600;

/** Installation status values an addon reports (seed 001). */
export const ADDON_STATUSES = [
  "not_installed",
  "installing",
  "installed",
  "configuring",
  "failed",
  "uninstalling",
  "degraded",
] as const;

/** One installation status, e.g. `installed`. */
export type AddonStatus = typeof ADDON_STATUSES[number];

/** Health values an addon reports (seed 001). */
export const ADDON_HEALTHS = ["healthy", "unhealthy", "degraded", "unknown"] as const;

/** One health value, e.g. `healthy`. */
export type AddonHealth = typeof ADDON_HEALTHS[number];

/** Entry used when a system addon's manifest has no `entry:`. */
export const DEFAULT_ADDON_ENTRY = "addon.sh";

/** Whether `name` is an operation of the contract. */
export function isAddonOperation(name: unknown): name is AddonOperation {
  return typeof name === "string" && (ADDON_OPERATIONS as readonly string[]).includes(name);
}

/** The bash function behind an operation: `install` → `addon_install`. */
export function addonFunction(op: AddonOperation): string {
  return `addon_${op}`;
}
