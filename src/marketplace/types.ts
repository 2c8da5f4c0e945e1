/** What the marketplace services need from the rest of the daemon. */
import type { Config } from "../config/mod.ts";
import type { PluginService } from "../plugins/mod.ts";
import type { MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";

/** The daemon parts the marketplace acts through. */
export interface MarketplaceHost {
  store: Store;
  config: Config;
  plugins: PluginService;
  /** Master key for sealing installation tokens. */
  key: MasterKeyRef;
  log: (line: string) => void;
  /** Emits a daemon event (`plugin.advisory`, `plugin.update_available`). */
  emit: (type: string, data: Record<string, unknown>) => Promise<void>;
}
