/**
 * This host's records in the fleet bucket: its heartbeat (who it is, since when, which task types
 * it takes) and its status of each plugin.
 */
import type { KV } from "@nats-io/kv";
import type { FleetSettings } from "../config/mod.ts";
import { VERSION } from "../version.ts";
import { jsonBytes } from "./fleet_bucket.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import { KEYS } from "./names.ts";
import type { HostInfo, PluginStatus } from "./types.ts";

/** Writes this host's heartbeat; a failed write waits for the next one. */
export async function writeHeartbeat(
  kv: KV,
  settings: FleetSettings,
  startedAt: string,
  tasks: string[],
): Promise<void> {
  const info: HostInfo = {
    id: settings.hostId,
    labels: settings.labels,
    plugd: VERSION,
    started_at: startedAt,
    seen_at: new Date().toISOString(),
    tasks,
  };
  await kv.put(KEYS.host(info.id), jsonBytes(info)).catch(() => {});
}

/** Writes (or with null, deletes) this host's status of a plugin, in the mirror at once. */
export async function writeHostStatus(
  kv: KV | null,
  mirror: FleetMirror,
  hostId: string,
  pluginId: string,
  status: PluginStatus | null,
): Promise<void> {
  const key = KEYS.status(hostId, pluginId);
  // The mirror learns our own status at once: the next decision must not wait for the watch.
  const byHost = mirror.statuses.get(pluginId) ?? new Map<string, PluginStatus>();
  if (status) byHost.set(hostId, status);
  else byHost.delete(hostId);
  mirror.statuses.set(pluginId, byHost);
  if (!kv) return;
  if (status) await kv.put(key, jsonBytes(status));
  else await kv.delete(key);
}
