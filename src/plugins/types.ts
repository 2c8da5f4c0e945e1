import type { Manifest, Permissions } from "../manifest/mod.ts";

/** Lifecycle states (SPEC §6). */
export type PluginState = "installed" | "enabled" | "disabled" | "failed";

/** A plugin as stored. */
export interface PluginRecord {
  id: string;
  version: string;
  state: PluginState;
  manifest: Manifest;
  /** Where it was installed from (folder path, archive, registry reference). */
  source: string;
  /** sha256 digest of the installed files. */
  digest: string;
  /** Key id that signed it, or null for an unsigned dev install. */
  signedBy: string | null;
  failedReason: string | null;
  installedAt: string;
  updatedAt: string;
  /** What the operator granted, or null before a grant. */
  granted: Permissions | null;
  /**
   * The tenants it runs for: null or absent = every tenant (and events without one), as
   * before tenants existed; a list (maybe empty) = only events, tasks, filters and gates of those.
   */
  tenants?: string[] | null;
}

/** Publishes the daemon's own events (`plugin.installed`, ...) onto the event bus. */
export interface SystemEventSink {
  emitSystemEvent(type: string, data: Record<string, unknown>): Promise<void>;
}
