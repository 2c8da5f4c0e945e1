import type { Config } from "../config/mod.ts";
import type { DaemonLog, StateLayout } from "../daemon/mod.ts";
import type { Store } from "../store/mod.ts";
import type { SystemEventSink } from "./types.ts";

/** What the lifecycle operations share. */
export interface PluginContext {
  store: Store;
  config: Config;
  layout: StateLayout;
  events: SystemEventSink;
  log: DaemonLog;
}
