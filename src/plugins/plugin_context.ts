import type { Config, StateLayout } from "../config/mod.ts";
import type { BinFolders, CapsFacts, DataVolumes, SandboxInfo } from "../runtime/mod.ts";
import type { PluginLocks } from "./plugin_locks.ts";
import type { UidAllocator } from "./plugin_uids.ts";
import type { Store } from "../store/mod.ts";
import type { SystemEventSink } from "./types.ts";

/** What this host gives plugins, detected once at start. */
export interface PluginRuntime {
  sandbox: SandboxInfo;
  caps: CapsFacts;
  /**
   * Each plugin's own uid when plugd runs as root or holds the unit's capabilities; `null` when
   * it cannot switch uids (then every plugin runs as the daemon's user, separated by its
   * namespaces only).
   */
  uids: UidAllocator | null;
  /** Size limits of `$DATA` and `$TMP`, MiB. */
  quotas: { dataMb: number; tmpMb: number };
  /** How `$DATA` is kept within its quota: a volume per plugin, or a watched folder. */
  volumes: DataVolumes;
  /** The sandbox's libraries, Deno and setpriv as folders of hard links. @default file binds */
  binFolders?: BinFolders;
}

/** What the lifecycle operations share. */
export interface PluginContext {
  store: Store;
  config: Config;
  layout: StateLayout;
  events: SystemEventSink;
  log: (message: string) => void;
  runtime: PluginRuntime;
  /** One lifecycle change at a time per plugin. @default none (tools that run alone) */
  locks?: PluginLocks;
  /**
   * Told right after a change of a plugin's row (enabled or not, its version, its manifest) is
   * committed, before the change answers. @default none
   */
  recordChanged?: (id: string) => void;
}
