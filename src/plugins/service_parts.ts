/** The parts of `PluginService` that its transitions, start and stop, and views work with. */
import type { CallKind, Supervisor } from "../runtime/mod.ts";
import type { ExecutionRecorder } from "../executions/mod.ts";
import type { LogRings } from "./log_ring.ts";
import type { PluginDbAccess } from "./plugin_db_access.ts";
import type { PluginConfigs } from "./plugin_configs.ts";
import type { PluginContext } from "./plugin_context.ts";
import type { PluginStarter } from "./plugin_starter.ts";
import type { DevReloader } from "./dev_reloader.ts";
import type { SystemAddonHooks } from "./system_addons.ts";
import type { EmitPolicy } from "./emit_policy.ts";
import type { PluginStorage } from "./storage.ts";
import type { MemoryRelease } from "./release_memory.ts";
import type { SummaryFactsCache } from "./plugin_list.ts";

/** See the module doc. */
export interface ServiceParts {
  ctx: PluginContext;
  starter: PluginStarter;
  reloader: DevReloader;
  addons: () => SystemAddonHooks | null;
  supervisor: Supervisor;
  db: PluginDbAccess;
  logs: LogRings;
  executions: ExecutionRecorder;
  configs: PluginConfigs;
  emit: EmitPolicy;
  storage: PluginStorage;
  memory: MemoryRelease;
  /** What `GET /v1/plugins` shows of each installed version's manifest. */
  summaryFacts: SummaryFactsCache;
  /** Cron jobs of one plugin with their last run. */
  cronStatus(pluginId: string): unknown[];
  /** The service's recorded call. */
  invoke(id: string, kind: CallKind, name: string, payload?: unknown): Promise<unknown>;
}
