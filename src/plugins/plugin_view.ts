import { assessRisks, highestRisk, type RiskLevel } from "../permissions/mod.ts";
import type { Manifest } from "../manifest/mod.ts";
import type { PluginCounters, PluginStats } from "../runtime/mod.ts";
import type { PluginRecord } from "./types.ts";
import { join } from "node:path";
import { type BundledPackage, DEPS_FILE } from "../bundle/mod.ts";

/** Facts the view adds from other parts of the daemon. */
export interface ViewExtras {
  emitDenied: { permission: number; rate: number; tenant?: number };
  /** The emit rate in force (null before the first start). */
  emitRate: { perSecond: number; burst: number } | null;
  storageBytes: number;
  cron: unknown[];
  /** What its registry says: where it came from, advisories in force, auto-update policy. */
  marketplace?: { registry: string | null; advisories: unknown[]; auto_update: string };
  /** The npm packages bundled into the installed package (its bill of materials). */
  dependencies?: BundledPackage[];
  /** Bytes the plugin's database uses on disk (0 without one). */
  dbBytes?: number;
  /** A version waiting for a grant of wider permissions, while this one runs. */
  pendingUpdate?: Record<string, unknown> | null;
}

/** The bundled npm packages of an installed package (`vendor/npm/plugd-deps.json`), or none. */
export async function bundledDependencies(pluginDir: string): Promise<BundledPackage[]> {
  const text = await Deno.readTextFile(join(pluginDir, DEPS_FILE)).catch(() => undefined);
  if (text === undefined) return [];
  try {
    const deps = JSON.parse(text) as { packages?: BundledPackage[] };
    return Array.isArray(deps.packages) ? deps.packages : [];
  } catch {
    return [];
  }
}

/** What the view shows of the installed package: its bundled npm packages, its database size. */
export async function packageFacts(
  pluginId: string,
  pluginDir: string,
  databases: { size(key: { pluginId: string }): Promise<number> },
): Promise<Pick<ViewExtras, "dependencies" | "dbBytes">> {
  return {
    dependencies: await bundledDependencies(pluginDir),
    dbBytes: await databases.size({ pluginId }),
  };
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
    tenants: p.tenants ?? "all",
    manifest: p.manifest,
    source: p.source,
    digest: p.digest,
    signed_by: p.signedBy,
    installed_at: p.installedAt,
    updated_at: p.updatedAt,
    permissions: {
      requested: p.manifest.permissions,
      granted: p.granted,
      risks: assessRisks(p.manifest.permissions, { shell: p.manifest.kind === "system" }),
    },
    health: stats?.lastHealth ?? null,
    // `degraded` while failed health checks say so (the process runs).
    runtime: stats?.degradedSince && stats.state === "running"
      ? "degraded"
      : stats?.state ?? "stopped",
    stats: {
      ...(stats ?? { state: "stopped" }),
      emit_denied: extras.emitDenied.permission + extras.emitDenied.rate +
        (extras.emitDenied.tenant ?? 0),
      emit_tenant_refused: extras.emitDenied.tenant ?? 0,
      emit_rate_limited: extras.emitDenied.rate,
      emit_rate: extras.emitRate
        ? { per_s: extras.emitRate.perSecond, burst: extras.emitRate.burst }
        : null,
      storage_bytes: extras.storageBytes,
      db_bytes: extras.dbBytes ?? 0,
    },
    cron: extras.cron,
    registry: extras.marketplace?.registry ?? null,
    advisories: extras.marketplace?.advisories ?? [],
    auto_update: extras.marketplace?.auto_update ?? "off",
    // The software bill of materials: npm packages bundled at pack time.
    dependencies: extras.dependencies ?? [],
    pending_update: extras.pendingUpdate ?? null,
  };
}

/** What a row of `GET /v1/plugins` shows of the manifest: it changes only with the version. */
export interface SummaryFacts {
  name: string;
  description: string | undefined;
  /** The highest risk of the requested permissions. */
  risk: RiskLevel;
  /** A system addon (its row adds the addon's own status). */
  system: boolean;
}

/** {@linkcode SummaryFacts} of a manifest. */
export function summaryFacts(manifest: Manifest): SummaryFacts {
  const system = manifest.kind === "system";
  return {
    name: manifest.name,
    description: manifest.description,
    risk: highestRisk(assessRisks(manifest.permissions, { shell: system })),
    system,
  };
}

/** The columns of a row of `GET /v1/plugins` besides the manifest's facts. */
export type SummaryRow = Pick<PluginRecord, "id" | "version" | "state" | "failedReason"> & {
  tenants: string[] | null | undefined;
  signedBy: string | null;
  granted: boolean;
};

/** A record as {@linkcode SummaryRow}. */
export function summaryRow(p: PluginRecord): SummaryRow {
  return {
    id: p.id,
    version: p.version,
    state: p.state,
    failedReason: p.failedReason,
    tenants: p.tenants,
    signedBy: p.signedBy,
    granted: p.granted !== null,
  };
}

/**
 * One row of `GET /v1/plugins`: identity, state, provenance, the highest requested risk and the
 * runtime counters (no /proc reads, so listing hundreds stays cheap).
 */
export function pluginSummary(
  p: SummaryRow,
  facts: SummaryFacts,
  counters: PluginCounters | undefined,
  emitDenied = 0,
): Record<string, unknown> {
  return {
    id: p.id,
    name: facts.name,
    version: p.version,
    state: p.state,
    failed_reason: p.failedReason,
    tenants: p.tenants ?? "all",
    description: facts.description,
    granted: p.granted,
    runtime: counters?.degraded && counters.state === "running"
      ? "degraded"
      : counters?.state ?? "stopped",
    health: counters?.health ?? null,
    signed_by: p.signedBy,
    risk: facts.risk,
    invocations: counters?.invocations ?? 0,
    errors: counters?.errors ?? 0,
    restarts: counters?.restarts ?? 0,
    denials: (counters?.denied ?? 0) + emitDenied,
  };
}
