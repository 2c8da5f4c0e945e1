/** `plugd fleet status`: hosts × plugins, read from this host's mirror of the bucket. */
import type { FleetMirror } from "./fleet_mirror.ts";
import { type RolloutView, rolloutView } from "./rollout_view.ts";
import type { PluginStatus } from "./types.ts";

/** One host as the status lists it. */
export interface HostRow {
  id: string;
  labels: Record<string, string>;
  online: boolean;
  plugd: string | null;
  seen_at: string | null;
  /** Fleet task types the host takes. */
  tasks: string[];
}

/** One desired plugin. */
export interface DesiredRow {
  id: string;
  version: string | null;
  range: string | null;
  /** Why every host refuses the entry, when it is invalid. */
  error: string | null;
  applied_at: string | null;
  applied_by: string | null;
  rollout: RolloutView["state"];
}

/** The whole view. */
export interface FleetStatus {
  host: string;
  connected: boolean;
  hosts: HostRow[];
  plugins: DesiredRow[];
  statuses: PluginStatus[];
}

/** Builds the status view. */
export function fleetStatus(mirror: FleetMirror, self: string, connected: boolean): FleetStatus {
  const hosts: HostRow[] = [...mirror.hosts.values()].map(({ info }) => ({
    id: info.id,
    labels: info.labels,
    online: mirror.online(info.id),
    plugd: info.plugd ?? null,
    seen_at: info.seen_at ?? null,
    tasks: info.tasks ?? [],
  })).sort((a, b) => a.id.localeCompare(b.id));
  const plugins: DesiredRow[] = [...mirror.desired.entries()].map(([id, slot]) => ({
    id,
    version: slot.entry?.version ?? null,
    range: slot.entry?.range ?? null,
    error: slot.error,
    applied_at: slot.entry?.applied_at ?? null,
    applied_by: slot.entry?.applied_by ?? null,
    rollout: slot.entry
      ? rolloutView(
        slot.entry,
        mirror.statusesOf(id),
        mirror.controls.get(id) ?? null,
        mirror.online,
      ).state
      : "none",
  })).sort((a, b) => a.id.localeCompare(b.id));
  const statuses = [...mirror.statuses.values()].flatMap((m) => [...m.values()])
    .sort((a, b) => a.host.localeCompare(b.host) || a.plugin.localeCompare(b.plugin));
  return { host: self, connected, hosts, plugins, statuses };
}
