/**
 * What one host reports about each plugin of the desired state: its status record in the
 * bucket, written only when it changed, and why a plugin installed by hand is left alone.
 */
import type { PluginRecord } from "../plugins/mod.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import type { DesiredEntry, HostPluginState, PluginStatus } from "./types.ts";

/** Writes (or deletes, with null) this host's status of a plugin in the bucket. */
export type StatusWriter = (pluginId: string, status: PluginStatus | null) => Promise<void>;

/** Where a status goes: this host's id, the mirror of the bucket and its writer. */
export interface StatusTarget {
  settings: { hostId: string };
  mirror: FleetMirror;
  writeStatus: StatusWriter;
}

/** Writes this host's status of `id`, unless the bucket already holds the same (time aside). */
export async function writeHostStatus(
  to: StatusTarget,
  id: string,
  state: HostPluginState,
  record: PluginRecord | null,
  target: string | null,
  reason: string | null,
  entry: DesiredEntry | null,
  attempt: number,
): Promise<void> {
  const status: PluginStatus = {
    host: to.settings.hostId,
    plugin: id,
    state,
    version: record?.version ?? null,
    target,
    runtime: record?.state ?? null,
    reason,
    digest: entry?.digest ?? null,
    rollout: entry?.plan?.id ?? null,
    attempt,
    at: new Date().toISOString(),
  };
  const old = to.mirror.statusesOf(id).get(status.host);
  if (old && JSON.stringify({ ...old, at: "" }) === JSON.stringify({ ...status, at: "" })) return;
  await to.writeStatus(id, status);
}

/** Why a plugin installed by hand under a fleet-declared id is left alone. */
export function handInstalled(id: string): string {
  return `"${id}" was installed on this host by hand, not by the fleet, so the fleet does not ` +
    `take it over; remove it here ("plugd plugin remove ${id}") and the fleet installs the ` +
    "declared one, or leave this host out of the entry's hosts";
}
