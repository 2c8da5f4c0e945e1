/** Summaries of requested permissions that catalogs filter on: highest risk and kinds. */
import type { Permissions } from "../manifest/mod.ts";
import { assessRisks, highestRisk, RISK_LEVELS } from "../permissions/mod.ts";

/** `none` (asks for nothing) or the highest risk level of `permissions`. */
export function maxRiskOf(permissions: Permissions): string {
  const risks = assessRisks(permissions);
  return risks.length === 0 ? "none" : highestRisk(risks);
}

/** 0 for `none`, then 1 (low) … 4 (critical), -1 for anything else: what filters compare. */
export function riskRank(level: string): number {
  if (level === "none") return 0;
  const index = RISK_LEVELS.indexOf(level as typeof RISK_LEVELS[number]);
  return index === -1 ? -1 : index + 1;
}

/** Permission kinds `permissions` asks for, sorted (`["net", "read"]`). */
export function permissionKinds(permissions: Permissions): string[] {
  return Object.entries(permissions ?? {})
    .filter(([, v]) => Array.isArray(v) && v.length > 0)
    .map(([k]) => k)
    .sort();
}
