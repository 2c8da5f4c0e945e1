import { assessRisks, highestRisk } from "../permissions/mod.ts";
import type { PluginCounters, PluginStats } from "../runtime/mod.ts";
import type { PluginRecord } from "./types.ts";

/** Facts the view adds from other parts of the daemon. */
export interface ViewExtras {
  emitDenied: { permission: number; rate: number };
  /** The emit rate in force (null before the first start). */
  emitRate: { perSecond: number; burst: number } | null;
  storageBytes: number;
  cron: unknown[];
  /** What its registry says: where it came from, advisories in force, auto-update policy. */
  marketplace?: { registry: string | null; advisories: unknown[]; auto_update: string };
}

/**
 * The `GET /v1/plugins/{id}` shape (SPEC §8): `{id, version, state, manifest, permissions:
 * {requested, granted, risks}, health, stats}` plus provenance and cron status.
 */
export function pluginView(
  p: PluginRecord,
  stats: PluginStats | null,
  extras: ViewExtras,
): Record<string, unknown> {
  return {
    id: p.id,
    version: p.version,
    state: p.state,
    failed_reason: p.failedReason,
    manifest: p.manifest,
    source: p.source,
    digest: p.digest,
    signed_by: p.signedBy,
    installed_at: p.installedAt,
    updated_at: p.updatedAt,
    permissions: {
      requested: p.manifest.permissions,
      granted: p.granted,
      risks: assessRisks(p.manifest.permissions),
    },
    health: stats?.lastHealth ?? null,
    stats: {
      ...(stats ?? { state: "stopped" }),
      emit_denied: extras.emitDenied.permission + extras.emitDenied.rate,
      emit_rate_limited: extras.emitDenied.rate,
      emit_rate: extras.emitRate
        ? { per_s: extras.emitRate.perSecond, burst: extras.emitRate.burst }
        : null,
      storage_bytes: extras.storageBytes,
    },
    cron: extras.cron,
    registry: extras.marketplace?.registry ?? null,
    advisories: extras.marketplace?.advisories ?? [],
    auto_update: extras.marketplace?.auto_update ?? "off",
  };
}

/**
 * One row of `GET /v1/plugins`: identity, state, provenance, the highest requested risk and the
 * runtime counters (no /proc reads, so listing hundreds stays cheap).
 */
export function pluginSummary(
  p: PluginRecord,
  counters: PluginCounters | undefined,
  emitDenied = 0,
): Record<string, unknown> {
  return {
    id: p.id,
    name: p.manifest.name,
    version: p.version,
    state: p.state,
    failed_reason: p.failedReason,
    description: p.manifest.description,
    granted: p.granted !== null,
    runtime: counters?.state ?? "stopped",
    health: counters?.health ?? null,
    signed_by: p.signedBy,
    risk: highestRisk(assessRisks(p.manifest.permissions)),
    invocations: counters?.invocations ?? 0,
    errors: counters?.errors ?? 0,
    restarts: counters?.restarts ?? 0,
    denials: (counters?.denied ?? 0) + emitDenied,
  };
}
