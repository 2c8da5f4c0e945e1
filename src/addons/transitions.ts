/**
 * How an addon's status moves (seed 001): `not_installed → installing → installed`, `failed`,
 * `uninstalling`, `configuring`, and `degraded` (installed but unhealthy). Pure functions from
 * what an operation did and what the script reported to the next {@linkcode AddonState}.
 */
import { ADDON_HEALTHS, ADDON_STATUSES } from "../manifest/mod.ts";
import type { AddonHealth, AddonOperation, AddonState, AddonStatus } from "./types.ts";

/** The status an operation shows while it runs; undefined: unchanged (status, backup, ...). */
export function statusWhileRunning(op: AddonOperation): AddonStatus | undefined {
  switch (op) {
    case "install":
    case "upgrade":
      return "installing";
    case "uninstall":
      return "uninstalling";
    case "configure":
    case "restore":
      return "configuring";
    default:
      return undefined;
  }
}

/** Whether `status` is one only a running operation shows (installing, uninstalling, configuring). */
export function isTransitional(status: AddonStatus): boolean {
  return status === "installing" || status === "uninstalling" || status === "configuring";
}

/** Operations after whose success plugd asks `addon_status` for the truth. */
export function changesInstallation(op: AddonOperation): boolean {
  return statusWhileRunning(op) !== undefined;
}

/** What `addon_status` printed, checked. */
export interface StatusReport {
  status: AddonStatus;
  health?: AddonHealth;
  version?: string;
  message?: string;
  details?: Record<string, unknown>;
}

/** What `addon_health` printed, checked. */
export interface HealthReport {
  health: AddonHealth;
  message?: string;
  details?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const optionalText = (v: unknown) => typeof v === "string" ? v.slice(0, 2000) : undefined;

/**
 * Checks `addon_status` output: `{status, health?, version?, message?, details?}` with the seed's
 * values. Returns the report, or why it is not one (a string).
 *
 * @example
 * ```ts
 * parseStatusReport({ status: "installed", health: "healthy" }); // { status: "installed", health: "healthy" }
 * parseStatusReport({ status: "up" }); // 'status "up" is not one of not_installed, ...'
 * ```
 */
export function parseStatusReport(v: unknown): StatusReport | string {
  if (!isObject(v)) return 'addon_status must print one JSON object like {"status": "installed"}';
  if (!(ADDON_STATUSES as readonly unknown[]).includes(v.status)) {
    return `status ${JSON.stringify(v.status)} is not one of ${ADDON_STATUSES.join(", ")}`;
  }
  const health = (ADDON_HEALTHS as readonly unknown[]).includes(v.health)
    ? v.health as AddonHealth
    : undefined;
  return {
    status: v.status as AddonStatus,
    ...(health ? { health } : {}),
    ...(optionalText(v.version) ? { version: optionalText(v.version) } : {}),
    ...(optionalText(v.message) !== undefined ? { message: optionalText(v.message) } : {}),
    ...(isObject(v.details) ? { details: v.details } : {}),
  };
}

/** Checks `addon_health` output: `{health}` (or seed-style `{status}`) plus message/details. */
export function parseHealthReport(v: unknown): HealthReport | string {
  if (!isObject(v)) return 'addon_health must print one JSON object like {"health": "healthy"}';
  const value = v.health ?? v.status;
  if (!(ADDON_HEALTHS as readonly unknown[]).includes(value)) {
    return `health ${JSON.stringify(value)} is not one of ${ADDON_HEALTHS.join(", ")}`;
  }
  return {
    health: value as AddonHealth,
    ...(optionalText(v.message) !== undefined ? { message: optionalText(v.message) } : {}),
    ...(isObject(v.details) ? { details: v.details } : {}),
  };
}

/** `installed` and `degraded` follow health; other statuses stand as reported. */
function withHealth(status: AddonStatus, health: AddonHealth): AddonStatus {
  if (status === "installed" && (health === "unhealthy" || health === "degraded")) {
    return "degraded";
  }
  if (status === "degraded" && health === "healthy") return "installed";
  return status;
}

/** The state after a status report. */
export function afterStatusReport(s: AddonState, r: StatusReport, at: string): AddonState {
  const health = r.health ?? s.health;
  return {
    ...s,
    status: withHealth(r.status, health),
    health,
    message: r.message ?? "",
    reportedVersion: r.version ?? s.reportedVersion,
    details: r.details ?? s.details,
    checkedAt: at,
    updatedAt: at,
  };
}

/** The state after a health report. */
export function afterHealthReport(s: AddonState, r: HealthReport, at: string): AddonState {
  return {
    ...s,
    status: withHealth(s.status, r.health),
    health: r.health,
    message: r.message ?? s.message,
    details: r.details ?? s.details,
    checkedAt: at,
    updatedAt: at,
  };
}

/** The state after an operation that did not succeed: `failed`, with why. */
export function afterFailure(s: AddonState, why: string, at: string): AddonState {
  return { ...s, status: "failed", message: why.slice(0, 2000), updatedAt: at };
}

/**
 * The state after an operation that succeeded, when no status report followed: install and
 * upgrade leave it installed, uninstall not installed, the others as it was before they ran.
 */
export function afterSuccess(
  s: AddonState,
  op: AddonOperation,
  before: AddonStatus,
  at: string,
): AddonState {
  const status: AddonStatus = op === "install" || op === "upgrade"
    ? "installed"
    : op === "uninstall"
    ? "not_installed"
    : before;
  return { ...s, status, message: "", updatedAt: at };
}
