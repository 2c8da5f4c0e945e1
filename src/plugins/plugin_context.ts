import type { Config, StateLayout } from "../config/mod.ts";
import type { CapsFacts, SandboxInfo } from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import type { SystemEventSink } from "./types.ts";

/** What this host gives plugins, detected once at start. */
export interface PluginRuntime {
  sandbox: SandboxInfo;
  caps: CapsFacts;
}

/** What the lifecycle operations share. */
export interface PluginContext {
  store: Store;
  config: Config;
  layout: StateLayout;
  events: SystemEventSink;
  log: (message: string) => void;
  runtime: PluginRuntime;
}
