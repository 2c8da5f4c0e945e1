/** The permission diff between what is granted and what is requested, each entry with its risk. */
import { assessRisks } from "../../permissions/mod.ts";
import type { RiskEntry } from "../types.ts";

/** Entries requested but not granted (added) and granted but no longer requested (removed). */
export function grantDiff(
  granted: Record<string, string[]>,
  requested: Record<string, string[]>,
): { added: RiskEntry[]; removed: RiskEntry[] } {
  const has = (p: Record<string, string[]>, r: RiskEntry) => (p[r.kind] ?? []).includes(r.value);
  return {
    added: assessRisks(requested).filter((r) => !has(granted, r)),
    removed: assessRisks(granted).filter((r) => !has(requested, r)),
  };
}
