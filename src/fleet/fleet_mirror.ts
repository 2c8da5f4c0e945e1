/**
 * This host's copy of the fleet bucket: desired entries (checked), statuses, hosts and rollout
 * controls, fed by one KV watch. Every reader (the converger, the API) reads it, so a status
 * query costs no round trip to NATS.
 */
import { type DesiredEntryError, readDesiredEntry } from "./desired_entry.ts";
import type { DesiredEntry, HostInfo, PluginStatus, RolloutControl } from "./types.ts";

/** A desired entry as read: checked, or refused with the reason. */
export interface DesiredSlot {
  entry: DesiredEntry | null;
  error: string | null;
  revision: number;
}

/** One KV change as the watch delivers it. */
export interface KvChange {
  key: string;
  value: Uint8Array;
  operation: "PUT" | "DEL" | "PURGE";
  revision: number;
}

/** What changed: the plugin it concerns (or null for a host change). */
export type MirrorChange = { kind: "desired" | "status" | "control"; plugin: string } | {
  kind: "host";
  host: string;
};

/** How long a host may stay silent before it counts as offline. */
export const HOST_STALE_MS = 35_000;

/** The in-memory mirror of the fleet bucket. */
export class FleetMirror {
  readonly desired = new Map<string, DesiredSlot>();
  /** plugin id → host id → status. */
  readonly statuses = new Map<string, Map<string, PluginStatus>>();
  readonly hosts = new Map<string, { info: HostInfo; seenAt: number }>();
  readonly controls = new Map<string, RolloutControl>();
  /** The highest revision applied (a restarted watch resumes after it). */
  revision = 0;
  #self: string;
  #now: () => number;

  constructor(selfId: string, now: () => number = Date.now) {
    this.#self = selfId;
    this.#now = now;
  }

  /** Applies one change; returns what it concerns, or null for keys it does not know. */
  async apply(change: KvChange): Promise<MirrorChange | null> {
    this.revision = Math.max(this.revision, change.revision);
    const [kind, a, b] = change.key.split(".");
    const gone = change.operation !== "PUT";
    if (kind === "desired" && a) {
      if (gone) this.desired.delete(a);
      else {
        try {
          const entry = await readDesiredEntry(change.key, change.value);
          this.desired.set(a, { entry, error: null, revision: change.revision });
        } catch (error) {
          const message = (error as DesiredEntryError).message;
          this.desired.set(a, { entry: null, error: message, revision: change.revision });
        }
      }
      return { kind: "desired", plugin: a };
    }
    if (kind === "status" && a && b) {
      const byHost = this.statuses.get(b) ?? new Map<string, PluginStatus>();
      if (gone) byHost.delete(a);
      else {
        const status = parse<PluginStatus>(change.value);
        if (status) byHost.set(a, status);
      }
      this.statuses.set(b, byHost);
      return { kind: "status", plugin: b };
    }
    if (kind === "hosts" && a) {
      const info = gone ? null : parse<HostInfo>(change.value);
      if (info) this.hosts.set(a, { info, seenAt: this.#now() });
      else this.hosts.delete(a);
      return { kind: "host", host: a };
    }
    if (kind === "control" && a) {
      const control = gone ? null : parse<RolloutControl>(change.value);
      if (control) this.controls.set(a, control);
      else this.controls.delete(a);
      return { kind: "control", plugin: a };
    }
    return null;
  }

  /** Whether a host has been heard from lately (this host always is). */
  online = (hostId: string): boolean => {
    if (hostId === this.#self) return true;
    const h = this.hosts.get(hostId);
    return !!h && this.#now() - h.seenAt < HOST_STALE_MS;
  };

  /** Statuses of one plugin by host. */
  statusesOf(pluginId: string): ReadonlyMap<string, PluginStatus> {
    return this.statuses.get(pluginId) ?? new Map();
  }
}

function parse<T>(bytes: Uint8Array): T | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes));
    return typeof v === "object" && v !== null ? v as T : null;
  } catch {
    return null;
  }
}
